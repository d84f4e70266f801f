//! Target architecture per application and decided strategy: components,
//! security-group rules, Well-Architected findings, the diagram (issue 4).
