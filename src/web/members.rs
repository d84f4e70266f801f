//! Who works on an engagement: consultants share it with colleagues and
//! give customers read-only access (viewers).

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::{AppState, PageCtx, redirect, render};
use crate::accounts::User;
use crate::db;
use crate::error::{AppError, quoted};
use crate::inventory::Engagement;

pub fn router() -> Router<AppState> {
    Router::new().route("/engagements/{id}/members", get(page).post(add)).route("/engagements/{id}/members/{user_id}/remove", post(remove))
}

#[derive(Template)]
#[template(path = "members.html")]
struct MembersPage {
    ctx: PageCtx,
    engagement: Engagement,
    members: Vec<User>,
    error: Option<String>,
}

#[derive(Deserialize)]
struct AddForm {
    username: String,
}

async fn load(st: &AppState, id: i64) -> Result<(Engagement, Vec<User>), AppError> {
    st.db.call(move |c| Ok((db::engagements::get(c, id)?, db::accounts::members(c, id)?))).await
}

async fn page(State(st): State<AppState>, ctx: PageCtx, Path(id): Path<i64>) -> Result<Html<String>, AppError> {
    let (engagement, members) = load(&st, id).await?;
    render(&MembersPage { ctx, engagement, members, error: None })
}

async fn add(State(st): State<AppState>, ctx: PageCtx, Path(id): Path<i64>, Form(form): Form<AddForm>) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let username = form.username.trim().to_string();
    let result = st
        .db
        .call(move |c| match db::accounts::find_user(c, &username)? {
            Some(user) => db::accounts::add_member(c, id, user.id, &actor),
            None => Err(AppError::Invalid(format!("username: nobody is called {}; an administrator creates accounts", quoted(&username)))),
        })
        .await;
    match result {
        Ok(()) => Ok(redirect(&ctx, &format!("/engagements/{id}/members"))),
        Err(e @ AppError::Invalid(_)) => {
            let (engagement, members) = load(&st, id).await?;
            let page = MembersPage { ctx, engagement, members, error: Some(e.public_message()) };
            Ok((e.status(), render(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn remove(State(st): State<AppState>, ctx: PageCtx, Path((id, user_id)): Path<(i64, i64)>) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    st.db.call(move |c| db::accounts::remove_member(c, id, user_id, &actor)).await?;
    Ok(redirect(&ctx, &format!("/engagements/{id}/members")))
}
