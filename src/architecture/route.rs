//! Orthogonal edge routing for the diagrams: each edge runs in horizontal
//! and vertical segments around the boxes (never through one), found by a
//! shortest-path search on a sparse grid made of the lines just outside the
//! boxes and the channels between them, with a price on bends and on
//! running along another edge. Labels go where they cover no box, no
//! container title and no other label.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// An axis-aligned rectangle, origin top-left.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Area {
    pub fn new(x: f64, y: f64, w: f64, h: f64) -> Area {
        Area { x, y, w, h }
    }

    fn right(&self) -> f64 {
        self.x + self.w
    }

    fn bottom(&self) -> f64 {
        self.y + self.h
    }

    fn grow(&self, m: f64) -> Area {
        Area::new(self.x - m, self.y - m, self.w + 2.0 * m, self.h + 2.0 * m)
    }

    /// Whether the interiors intersect (touching edges do not count).
    pub fn overlaps(&self, o: &Area) -> bool {
        self.x < o.right() - 1e-6 && o.x < self.right() - 1e-6 && self.y < o.bottom() - 1e-6 && o.y < self.bottom() - 1e-6
    }

    /// Whether the segment from `a` to `b` (horizontal or vertical) runs
    /// through the interior.
    pub fn crossed_by(&self, a: (f64, f64), b: (f64, f64)) -> bool {
        let (x1, x2) = (a.0.min(b.0), a.0.max(b.0));
        let (y1, y2) = (a.1.min(b.1), a.1.max(b.1));
        if (a.1 - b.1).abs() < 1e-9 {
            a.1 > self.y + 1e-6 && a.1 < self.bottom() - 1e-6 && x1 < self.right() - 1e-6 && x2 > self.x + 1e-6
        } else {
            a.0 > self.x + 1e-6 && a.0 < self.right() - 1e-6 && y1 < self.bottom() - 1e-6 && y2 > self.y + 1e-6
        }
    }
}

/// Clearance kept between an edge and the boxes it passes.
const MARGIN: f64 = 7.0;
/// What a bend costs, in pixels of length.
const BEND: f64 = 30.0;
/// Extra cost per pixel of running on a line another edge already uses.
const SHARED: f64 = 4.0;

/// Where an edge may leave or enter a box: a side and the point on it.
#[derive(Debug, Clone, Copy)]
struct Port {
    /// On the box's border.
    at: (f64, f64),
    /// Just outside the clearance, on the grid.
    out: (f64, f64),
}

fn ports(b: &Area) -> Vec<Port> {
    let mut out = Vec::new();
    let m = MARGIN + 1.0;
    for f in [0.5, 0.3, 0.7] {
        let x = b.x + b.w * f;
        let y = b.y + b.h * f;
        out.push(Port { at: (x, b.y), out: (x, b.y - m) });
        out.push(Port { at: (x, b.bottom()), out: (x, b.bottom() + m) });
        out.push(Port { at: (b.x, y), out: (b.x - m, y) });
        out.push(Port { at: (b.right(), y), out: (b.right() + m, y) });
    }
    out
}

/// The router: a grid of the lines just outside the boxes, the channels
/// between them and every box's ports, built once per diagram, and the lines
/// edges already run on (so the next edge prefers a free channel).
pub struct Router {
    boxes: Vec<Area>,
    bounds: Area,
    xs: Vec<f64>,
    ys: Vec<f64>,
    blocked: Vec<bool>,
    /// Grid edge from (i, j) to (i + 1, j) / (i, j + 1) runs through a box.
    h_blocked: Vec<bool>,
    v_blocked: Vec<bool>,
    /// Per grid edge from (i, j) to (i + 1, j) / (i, j + 1): how much of it
    /// runs on lines edges already use, summed over their segments in the
    /// order they were marked (a lookup per step of the search was a fifth
    /// of an application's page).
    h_used: Vec<f64>,
    v_used: Vec<f64>,
    /// The search's table, kept between edges: hashing every state cost
    /// most of an application's page.
    search: Search,
}

/// Per search state (grid point and heading) the best cost found and the
/// state it came from, valid where `seen` holds the current search's stamp:
/// a new search starts without clearing the table.
#[derive(Default)]
struct Search {
    cost: Vec<f64>,
    prev: Vec<usize>,
    seen: Vec<u32>,
    stamp: u32,
    /// Per grid point the heuristic, valid where `h_seen` holds the stamp.
    h: Vec<f64>,
    h_seen: Vec<u32>,
}

/// `Search::prev` of a start.
const NO_STATE: usize = usize::MAX;

impl Search {
    /// Starts a search over `states` states.
    fn begin(&mut self, states: usize, points: usize) {
        if self.seen.len() != states || self.h.len() != points || self.stamp == u32::MAX {
            *self = Search {
                cost: vec![0.0; states],
                prev: vec![NO_STATE; states],
                seen: vec![0; states],
                stamp: 0,
                h: vec![0.0; points],
                h_seen: vec![0; points],
            };
        }
        self.stamp += 1;
    }

    /// The heuristic of grid point `p`, worked out once per search.
    fn heuristic(&mut self, p: usize, h: impl FnOnce() -> f64) -> f64 {
        if self.h_seen[p] != self.stamp {
            self.h_seen[p] = self.stamp;
            self.h[p] = h();
        }
        self.h[p]
    }

    fn cost(&self, s: usize) -> f64 {
        if self.seen[s] == self.stamp { self.cost[s] } else { f64::INFINITY }
    }

    fn set(&mut self, s: usize, cost: f64, prev: usize) {
        self.seen[s] = self.stamp;
        self.cost[s] = cost;
        self.prev[s] = prev;
    }

    fn prev(&self, s: usize) -> Option<usize> {
        (self.seen[s] == self.stamp && self.prev[s] != NO_STATE).then_some(self.prev[s])
    }
}

fn key(v: f64) -> i64 {
    (v * 10.0).round() as i64
}

/// The index range of sorted `v` strictly inside (lo, hi).
fn strictly_inside(v: &[f64], lo: f64, hi: f64) -> std::ops::Range<usize> {
    let start = v.partition_point(|x| *x <= lo + 1e-6);
    let end = v.partition_point(|x| *x < hi - 1e-6);
    start..end.max(start)
}

impl Router {
    /// A router for edges between `boxes` (every box an edge may touch or
    /// must avoid) inside `bounds`; `ends` are the boxes edges start or end
    /// at (their ports join the grid).
    pub fn new(boxes: Vec<Area>, ends: &[usize], bounds: Area) -> Router {
        let grown: Vec<Area> = boxes.iter().map(|o| o.grow(MARGIN)).collect();
        let mut xs: Vec<f64> = vec![bounds.x + 2.0, bounds.right() - 2.0];
        let mut ys: Vec<f64> = vec![bounds.y + 2.0, bounds.bottom() - 2.0];
        for b in &grown {
            xs.extend([b.x - 1.0, b.right() + 1.0]);
            ys.extend([b.y - 1.0, b.bottom() + 1.0]);
        }
        for b in ends.iter().filter_map(|i| boxes.get(*i)) {
            for p in ports(b) {
                xs.push(p.out.0);
                ys.push(p.out.1);
            }
        }
        let channels = |v: &mut Vec<f64>| {
            v.retain(|x| x.is_finite());
            v.sort_by(f64::total_cmp);
            v.dedup_by(|a, b| (*a - *b).abs() < 1e-6);
            let mids: Vec<f64> = v.windows(2).filter(|w| w[1] - w[0] > 6.0).map(|w| (w[0] + w[1]) / 2.0).collect();
            v.extend(mids);
            v.sort_by(f64::total_cmp);
            v.dedup_by(|a, b| (*a - *b).abs() < 1e-6);
        };
        channels(&mut xs);
        channels(&mut ys);
        let (nx, ny) = (xs.len(), ys.len());
        let mut blocked = vec![false; nx * ny];
        let mut h_blocked = vec![false; nx * ny];
        let mut v_blocked = vec![false; nx * ny];
        for (j, y) in ys.iter().enumerate() {
            for (i, x) in xs.iter().enumerate() {
                let outside = *x < bounds.x || *x > bounds.right() || *y < bounds.y || *y > bounds.bottom();
                blocked[j * nx + i] = outside;
            }
        }
        for b in &grown {
            let cols = strictly_inside(&xs, b.x, b.right());
            let rows = strictly_inside(&ys, b.y, b.bottom());
            for j in rows.clone() {
                for i in cols.clone() {
                    blocked[j * nx + i] = true;
                }
            }
            // Horizontal grid edges on rows inside the box that overlap it.
            let first_col = xs.partition_point(|x| *x < b.x - 1e-6).saturating_sub(1);
            for j in rows {
                for i in first_col..nx.saturating_sub(1) {
                    if xs[i] >= b.right() - 1e-6 {
                        break;
                    }
                    if xs[i + 1] > b.x + 1e-6 {
                        h_blocked[j * nx + i] = true;
                    }
                }
            }
            let first_row = ys.partition_point(|y| *y < b.y - 1e-6).saturating_sub(1);
            for i in cols {
                for j in first_row..ny.saturating_sub(1) {
                    if ys[j] >= b.bottom() - 1e-6 {
                        break;
                    }
                    if ys[j + 1] > b.y + 1e-6 {
                        v_blocked[j * nx + i] = true;
                    }
                }
            }
        }
        let (h_used, v_used, search) = (vec![0.0; nx * ny], vec![0.0; nx * ny], Search::default());
        Router { boxes, bounds, xs, ys, blocked, h_blocked, v_blocked, h_used, v_used, search }
    }

    /// An orthogonal path from the border of box `from` to the border of box
    /// `to` (indices into the boxes), around every other box; `None` when
    /// they are walled in.
    pub fn route(&mut self, from: usize, to: usize) -> Option<Vec<(f64, f64)>> {
        let nx = self.xs.len();
        let starts = self.ports_on_grid(self.boxes.get(from)?);
        let goals = self.ports_on_grid(self.boxes.get(to)?);
        if starts.is_empty() || goals.is_empty() {
            return None;
        }
        let mut search = std::mem::take(&mut self.search);
        let found = self.shortest(&mut search, &starts, &goals);
        let points = found.and_then(|(end, goal)| {
            // Back from the goal through the states each came from.
            let at = |s: usize| (self.xs[s / 5 % nx], self.ys[s / 5 / nx]);
            let mut grid = vec![at(end)];
            let mut s = end;
            while let Some(p) = search.prev(s) {
                grid.push(at(p));
                s = p;
            }
            grid.reverse();
            let first = grid[0];
            let (_, _, start) =
                starts.iter().find(|(i, j, _)| (self.xs[*i] - first.0).abs() < 1e-6 && (self.ys[*j] - first.1).abs() < 1e-6)?;
            let mut points = vec![start.at];
            points.extend(grid);
            points.push(goal.at);
            Some(simplify(points))
        });
        self.search = search;
        let points = points?;
        self.mark(&points);
        Some(points)
    }

    /// A box's ports that sit on a free point of the grid, with that point.
    fn ports_on_grid(&self, b: &Area) -> Vec<(usize, usize, Port)> {
        let nx = self.xs.len();
        let index = |v: &[f64], x: f64| {
            let i = v.partition_point(|c| *c < x - 1e-6);
            (i < v.len() && (v[i] - x).abs() < 1e-6).then_some(i)
        };
        let on_grid = |p: &Port| -> Option<(usize, usize, Port)> {
            let (i, j) = (index(&self.xs, p.out.0)?, index(&self.ys, p.out.1)?);
            (!self.blocked[j * nx + i]).then_some((i, j, *p))
        };
        ports(b).iter().filter_map(on_grid).collect()
    }

    /// A* over (grid point, heading) from `starts` to the first of `goals`
    /// reached: the goal's state and port. Headings 0..4 are right, left,
    /// down, up; 4 is none yet.
    fn shortest(&self, search: &mut Search, starts: &[(usize, usize, Port)], goals: &[(usize, usize, Port)]) -> Option<(usize, Port)> {
        let (nx, ny) = (self.xs.len(), self.ys.len());
        let (xs, ys) = (&self.xs, &self.ys);
        let at = |i: usize, j: usize| (xs[i], ys[j]);
        let heuristic = |i: usize, j: usize| {
            goals.iter().map(|(gi, gj, _)| (xs[i] - xs[*gi]).abs() + (ys[j] - ys[*gj]).abs()).fold(f64::INFINITY, f64::min)
        };
        let state = |i: usize, j: usize, d: usize| (j * nx + i) * 5 + d;
        search.begin(nx * ny * 5, nx * ny);
        let mut heap = BinaryHeap::new();
        let score = |c: f64| Reverse((c * 100.0) as i64);
        for (i, j, _) in starts {
            let s = state(*i, *j, 4);
            search.set(s, 0.0, NO_STATE);
            let h = search.heuristic(j * nx + i, || heuristic(*i, *j));
            heap.push((score(h), s));
        }
        while let Some((key, s)) = heap.pop() {
            let cost = search.cost(s);
            let (cell, d) = (s / 5, s % 5);
            // An entry pushed before the state's cost fell: the state went
            // out with its best cost already (that entry's key is smaller),
            // and going out again improves no neighbour.
            if score(cost + search.h[cell]).0 < key.0 {
                continue;
            }
            let (i, j) = (cell % nx, cell / nx);
            if let Some((_, _, g)) = goals.iter().find(|(gi, gj, _)| *gi == i && *gj == j) {
                return Some((s, *g));
            }
            let moves: [(bool, isize, isize, usize); 4] =
                [(i + 1 < nx, 1, 0, 0), (i > 0, -1, 0, 1), (j + 1 < ny, 0, 1, 2), (j > 0, 0, -1, 3)];
            for (possible, di, dj, nd) in moves {
                if !possible {
                    continue;
                }
                let (ni, nj) = ((i as isize + di) as usize, (j as isize + dj) as usize);
                let edge_blocked = match nd {
                    0 => self.h_blocked[j * nx + i],
                    1 => self.h_blocked[j * nx + ni],
                    2 => self.v_blocked[j * nx + i],
                    _ => self.v_blocked[nj * nx + i],
                };
                if self.blocked[nj * nx + ni] || edge_blocked {
                    continue;
                }
                let (a, b) = (at(i, j), at(ni, nj));
                let len = (a.0 - b.0).abs() + (a.1 - b.1).abs();
                let bend = if d != 4 && d != nd { BEND } else { 0.0 };
                let used = match nd {
                    0 => self.h_used[j * nx + i],
                    1 => self.h_used[j * nx + ni],
                    2 => self.v_used[j * nx + i],
                    _ => self.v_used[nj * nx + i],
                };
                let next = cost + len + bend + used * SHARED;
                let ns = state(ni, nj, nd);
                if next + 1e-6 < search.cost(ns) {
                    search.set(ns, next, s);
                    let h = search.heuristic(nj * nx + ni, || heuristic(ni, nj));
                    heap.push((score(next + h), ns));
                }
            }
        }
        None
    }

    pub fn bounds(&self) -> Area {
        self.bounds
    }

    /// Adds an edge's segments to the lines in use: each grid edge on the
    /// same line (to a tenth of a pixel) gains the length it shares with
    /// the segment.
    fn mark(&mut self, points: &[(f64, f64)]) {
        let (nx, ny) = (self.xs.len(), self.ys.len());
        for w in points.windows(2) {
            let (a, b) = (w[0], w[1]);
            if (a.1 - b.1).abs() < 1e-9 {
                let (s, e) = (a.0.min(b.0), a.0.max(b.0));
                for j in (0..ny).filter(|j| key(self.ys[*j]) == key(a.1)) {
                    for i in 0..nx.saturating_sub(1) {
                        self.h_used[j * nx + i] += (self.xs[i + 1].min(e) - self.xs[i].max(s)).max(0.0);
                    }
                }
            } else {
                let (s, e) = (a.1.min(b.1), a.1.max(b.1));
                for i in (0..nx).filter(|i| key(self.xs[*i]) == key(a.0)) {
                    for j in 0..ny.saturating_sub(1) {
                        self.v_used[j * nx + i] += (self.ys[j + 1].min(e) - self.ys[j].max(s)).max(0.0);
                    }
                }
            }
        }
    }
}

/// Drops points in the middle of straight runs.
fn simplify(points: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::new();
    for p in points {
        if out.last().is_some_and(|l| (l.0 - p.0).abs() < 1e-9 && (l.1 - p.1).abs() < 1e-9) {
            continue;
        }
        if out.len() >= 2 {
            let (a, b) = (out[out.len() - 2], out[out.len() - 1]);
            let straight = ((a.0 - b.0).abs() < 1e-9 && (b.0 - p.0).abs() < 1e-9) || ((a.1 - b.1).abs() < 1e-9 && (b.1 - p.1).abs() < 1e-9);
            if straight {
                out.pop();
            }
        }
        out.push(p);
    }
    out
}

/// How wide a label of `text` is drawn (10 px text: Hangul and other wide
/// characters take about twice the width of Latin ones), with its padding.
pub fn label_width(text: &str) -> f64 {
    text.chars().map(|c| if c.is_ascii() { 6.2 } else { 10.5 }).sum::<f64>() + 6.0
}

pub const LABEL_H: f64 = 14.0;

/// A place for a label of `w` × `LABEL_H` on the path, covering none of
/// `taken`; tries the middle of each segment first, then along it.
pub fn place_label(points: &[(f64, f64)], w: f64, taken: &[Area], bounds: &Area) -> Option<Area> {
    let mut segments: Vec<((f64, f64), (f64, f64))> = points.windows(2).map(|s| (s[0], s[1])).collect();
    // Longest segments first: a label reads best in the middle of a long run.
    segments.sort_by(|a, b| {
        let len = |s: &((f64, f64), (f64, f64))| (s.0.0 - s.1.0).abs() + (s.0.1 - s.1.1).abs();
        len(b).total_cmp(&len(a))
    });
    let fits = |r: &Area| {
        r.x >= bounds.x
            && r.y >= bounds.y
            && r.right() <= bounds.right()
            && r.bottom() <= bounds.bottom()
            && !taken.iter().any(|t| t.overlaps(r))
    };
    let fractions = [0.5, 0.35, 0.65, 0.2, 0.8, 0.1, 0.9];
    for offset in [0.0, 9.0, -9.0, 16.0, -16.0] {
        for (a, b) in &segments {
            for f in fractions {
                let (cx, cy) = (a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f);
                let horizontal = (a.1 - b.1).abs() < 1e-9;
                let (cx, cy) = if horizontal { (cx, cy + offset) } else { (cx + offset * (w / LABEL_H).max(1.0), cy) };
                let r = Area::new(cx - w / 2.0, cy - LABEL_H / 2.0, w, LABEL_H);
                if fits(&r) {
                    return Some(r);
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edge_goes_around_a_box_in_its_way() {
        let a = Area::new(10.0, 100.0, 60.0, 40.0);
        let b = Area::new(300.0, 100.0, 60.0, 40.0);
        let wall = Area::new(150.0, 60.0, 60.0, 120.0);
        let mut r = Router::new(vec![a, b, wall], &[0, 1], Area::new(0.0, 0.0, 400.0, 300.0));
        let path = r.route(0, 1).expect("a path");
        for w in path.windows(2) {
            assert!((w[0].0 - w[1].0).abs() < 1e-9 || (w[0].1 - w[1].1).abs() < 1e-9, "orthogonal: {path:?}");
            assert!(!wall.crossed_by(w[0], w[1]), "through the wall: {path:?}");
        }
        assert!(path.len() >= 4, "it bends around: {path:?}");
        // Starts on a's border and ends on b's.
        let on = |r: &Area, p: (f64, f64)| {
            ((p.0 - r.x).abs() < 1e-9 || (p.0 - r.right()).abs() < 1e-9) && p.1 >= r.y && p.1 <= r.bottom()
                || ((p.1 - r.y).abs() < 1e-9 || (p.1 - r.bottom()).abs() < 1e-9) && p.0 >= r.x && p.0 <= r.right()
        };
        assert!(on(&a, path[0]) && on(&b, *path.last().unwrap()), "{path:?}");
    }

    #[test]
    fn a_second_edge_takes_another_line() {
        let a = Area::new(10.0, 10.0, 60.0, 40.0);
        let b = Area::new(10.0, 200.0, 60.0, 40.0);
        let mut r = Router::new(vec![a, b], &[0, 1], Area::new(0.0, 0.0, 300.0, 300.0));
        let first = r.route(0, 1).unwrap();
        let second = r.route(0, 1).unwrap();
        assert_ne!(first, second);
    }

    #[test]
    fn labels_avoid_boxes_and_each_other() {
        let path = vec![(0.0, 50.0), (200.0, 50.0)];
        let bounds = Area::new(0.0, 0.0, 300.0, 100.0);
        let blocker = Area::new(80.0, 40.0, 40.0, 20.0);
        let first = place_label(&path, 30.0, &[blocker], &bounds).unwrap();
        assert!(!first.overlaps(&blocker));
        let second = place_label(&path, 30.0, &[blocker, first], &bounds).unwrap();
        assert!(!second.overlaps(&first) && !second.overlaps(&blocker));
        assert_eq!(label_width("ab"), 6.2 * 2.0 + 6.0);
        assert!(label_width("백업") > label_width("ab"));
    }
}
