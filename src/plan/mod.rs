//! Migration waves and the phased plan (issue 5).
