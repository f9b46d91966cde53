//! Interface strings in zh-CN and English, from `locales/*.txt` (embedded).
//! A missing key shows as itself, and a test keeps both files in step.

use std::collections::HashMap;
use std::sync::LazyLock;
use tuijin_domain::Lang;

static ZH: LazyLock<HashMap<&'static str, &'static str>> =
    LazyLock::new(|| parse(include_str!("../../locales/zh-CN.txt")));
static EN: LazyLock<HashMap<&'static str, &'static str>> =
    LazyLock::new(|| parse(include_str!("../../locales/en.txt")));

fn parse(text: &'static str) -> HashMap<&'static str, &'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect()
}

/// The strings of one language, handed to templates as `t`.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Tr {
        Tr { lang }
    }

    pub fn get<'a>(&self, key: &'a str) -> &'a str {
        let table = match self.lang {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        };
        table.get(key).copied().unwrap_or(key)
    }

    /// A string with `{name}` placeholders filled in.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.get(key).to_string();
        for (name, value) in args {
            s = s.replace(&format!("{{{name}}}"), value);
        }
        s
    }

    pub fn code(&self) -> &'static str {
        self.lang.code()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys() {
        let mut zh: Vec<_> = ZH.keys().collect();
        let mut en: Vec<_> = EN.keys().collect();
        zh.sort();
        en.sort();
        assert_eq!(zh, en);
        assert!(zh.len() > 40);
    }

    #[test]
    fn placeholders_are_filled() {
        let t = Tr::new(Lang::Zh);
        assert_eq!(t.fill("ledger.total", &[("n", "79")]), "共 79 项");
        assert_eq!(Tr::new(Lang::En).fill("task.lag", &[("n", "7")]), "lag 7 days");
        assert_eq!(t.get("no.such.key"), "no.such.key");
    }
}
