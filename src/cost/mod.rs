//! Right-sizing against the shipped price catalogue and monthly / 3-year
//! cost per pricing model against today's on-premises cost (issue 4).
