//! 6R scoring: questionnaire answers and inventory facts in, six scores with
//! reasons, gates, risks and a confidence out. Pure logic (issue 3).
