//! Splitting what people type into names into words.

/// The words of a name, lower-cased: split on anything that is not a letter
/// or digit, between letters and digits, and at camel case unless the
/// letters are one word `known` knows (MySQL stays mysql, not my + sql).
/// Numbers are dropped: they number servers, they don't say what one is.
///
/// "AnyCo-WebServer" → any, co, web, server; "WordpresDB02" → wordpres, db;
/// "SQLProd01" → sql, prod; "alpha_db-01" → alpha, db.
pub fn words(text: &str, known: &dyn Fn(&str) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    for run in text.split(|c: char| !c.is_alphanumeric()) {
        let chars: Vec<char> = run.chars().collect();
        for letters in chars.split(|c| c.is_ascii_digit()).filter(|l| !l.is_empty()) {
            let whole: String = letters.iter().collect::<String>().to_lowercase();
            if known(&whole) {
                out.push(whole);
            } else {
                split_camel(letters, &mut out);
            }
        }
    }
    out
}

/// Splits letters at case changes: webServer → web, server; SQLProd → sql, prod.
fn split_camel(chars: &[char], out: &mut Vec<String>) {
    let mut start = 0;
    for i in 1..=chars.len() {
        let boundary = i == chars.len() || {
            let (prev, here) = (chars[i - 1], chars[i]);
            let next = chars.get(i + 1).copied();
            (prev.is_lowercase() && here.is_uppercase())
                // The last capital of a run of capitals starts the next word.
                || (prev.is_uppercase() && here.is_uppercase() && next.is_some_and(char::is_lowercase))
        };
        if boundary {
            out.push(chars[start..i].iter().collect::<String>().to_lowercase());
            start = i;
        }
    }
}

/// The segments of a name separated by `-`, `_`, `.` or spaces, as typed
/// ("alpha-web-01" → alpha, web, 01): a shared first segment groups servers
/// into an application.
pub fn segments(name: &str) -> Vec<&str> {
    name.split(['-', '_', '.', ' ']).filter(|s| !s.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        super::words(text, &|w| ["mysql", "postgresql"].contains(&w))
    }

    #[test]
    fn names_split_into_words() {
        assert_eq!(words("AnyCo-WebServer"), ["any", "co", "web", "server"]);
        assert_eq!(words("MySQL-01"), ["mysql"]);
        assert_eq!(words("PostgreSQLProd"), ["postgre", "sql", "prod"]);
        assert_eq!(words("WordpresDB02"), ["wordpres", "db"]);
        assert_eq!(words("DB01"), ["db"]);
        assert_eq!(words("App01"), ["app"]);
        assert_eq!(words("SQLProd01"), ["sql", "prod"]);
        assert_eq!(words("alpha_db-01"), ["alpha", "db"]);
        assert_eq!(words("Server10-Monitoring"), ["server", "monitoring"]);
        assert_eq!(words("GV-Win-03 (2)"), ["gv", "win"]);
        assert_eq!(words("vm-1"), ["vm"]);
        assert_eq!(words("db2prod"), ["db", "prod"]);
        assert_eq!(words("웹서버01"), ["웹서버"]);
        assert_eq!(words(""), Vec::<String>::new());
    }

    #[test]
    fn segments_keep_the_typed_spelling() {
        assert_eq!(segments("Alpha-web-01"), ["Alpha", "web", "01"]);
        assert_eq!(segments("AnyCo-WebServer"), ["AnyCo", "WebServer"]);
        assert_eq!(segments("WordpresDB02"), ["WordpresDB02"]);
    }
}
