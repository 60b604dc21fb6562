//! Đường dẫn: the app's pages as they appear in the URL fragment (`#/models/<id>`), so every page has a
//! deep link that works from any sub-path of any static server, with no server-side fallback.

/// A page of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Dashboard,
    /// The model list, with its filter query (`q=…&field=…`).
    Models { query: String },
    NewModel,
    Model { id: String },
    EditModel { id: String },
    Plans,
    NewPlan,
    Plan { id: String },
    EditPlan { id: String },
    /// The field-visit screen: models of one commune (`loc=<code>`), those needing a visit first.
    Visit { query: String },
    /// The printable report (`from=…&to=…&loc=…`).
    Report { query: String },
    Exchange,
    /// Passing records to the phone beside through QR codes (`model=<id>`: that model preselected).
    Send { query: String },
    Settings,
    NotFound { path: String },
}

fn decode_segment(s: &str) -> String {
    // ids are UUIDs; anything else is taken literally except %XX escapes of ASCII
    let mut out = String::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Some(v) = std::str::from_utf8(&b[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok()) {
                if v.is_ascii() {
                    out.push(v as char);
                    i += 3;
                    continue;
                }
            }
        }
        out.push(b[i] as char);
        i += 1;
    }
    if s.is_ascii() { out } else { s.to_string() }
}

/// The value of `key` in a route's query (`from=2026-01-01&loc=20101`), as written.
pub fn query_value<'a>(query: &'a str, key: &str) -> Option<&'a str> {
    query.split('&').find_map(|p| p.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
}

impl Route {
    /// The route of a location fragment (with or without the leading `#`).
    pub fn parse(hash: &str) -> Route {
        let h = hash.trim_start_matches('#');
        let (path, query) = h.split_once('?').unwrap_or((h, ""));
        let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        match segs.as_slice() {
            [] | ["dashboard"] => Route::Dashboard,
            ["models"] => Route::Models { query: query.to_string() },
            ["models", "new"] => Route::NewModel,
            ["models", id] => Route::Model { id: decode_segment(id) },
            ["models", id, "edit"] => Route::EditModel { id: decode_segment(id) },
            ["plans"] => Route::Plans,
            ["plans", "new"] => Route::NewPlan,
            ["plans", id] => Route::Plan { id: decode_segment(id) },
            ["plans", id, "edit"] => Route::EditPlan { id: decode_segment(id) },
            ["visit"] => Route::Visit { query: query.to_string() },
            ["report"] => Route::Report { query: query.to_string() },
            ["exchange"] => Route::Exchange,
            ["send"] => Route::Send { query: query.to_string() },
            ["settings"] => Route::Settings,
            _ => Route::NotFound { path: h.to_string() },
        }
    }

    /// The fragment for this route, with the leading `#`.
    pub fn href(&self) -> String {
        match self {
            Route::Dashboard => "#/".into(),
            Route::Models { query } if query.is_empty() => "#/models".into(),
            Route::Models { query } => format!("#/models?{query}"),
            Route::NewModel => "#/models/new".into(),
            Route::Model { id } => format!("#/models/{id}"),
            Route::EditModel { id } => format!("#/models/{id}/edit"),
            Route::Plans => "#/plans".into(),
            Route::NewPlan => "#/plans/new".into(),
            Route::Plan { id } => format!("#/plans/{id}"),
            Route::EditPlan { id } => format!("#/plans/{id}/edit"),
            Route::Visit { query } if query.is_empty() => "#/visit".into(),
            Route::Visit { query } => format!("#/visit?{query}"),
            Route::Report { query } if query.is_empty() => "#/report".into(),
            Route::Report { query } => format!("#/report?{query}"),
            Route::Exchange => "#/exchange".into(),
            Route::Send { query } if query.is_empty() => "#/send".into(),
            Route::Send { query } => format!("#/send?{query}"),
            Route::Settings => "#/settings".into(),
            Route::NotFound { path } => format!("#{path}"),
        }
    }

    /// Which navigation tab is current on this page.
    pub fn tab(&self) -> Option<Tab> {
        match self {
            Route::Dashboard | Route::Report { .. } | Route::Visit { .. } => Some(Tab::Dashboard),
            Route::Models { .. } | Route::NewModel | Route::Model { .. } | Route::EditModel { .. } => Some(Tab::Models),
            Route::Plans | Route::NewPlan | Route::Plan { .. } | Route::EditPlan { .. } => Some(Tab::Plans),
            Route::Exchange | Route::Send { .. } => Some(Tab::Exchange),
            Route::Settings => Some(Tab::Settings),
            Route::NotFound { .. } => None,
        }
    }
}

/// The main navigation's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Dashboard,
    Models,
    Plans,
    Exchange,
    Settings,
}

impl Tab {
    pub const ALL: [Tab; 5] = [Tab::Dashboard, Tab::Models, Tab::Plans, Tab::Exchange, Tab::Settings];
    /// The tab's name in the page's markup (`data-tab`): written out, because the release build's
    /// `Debug` prints nothing (`-Zfmt-debug=none`).
    pub fn code(self) -> &'static str {
        match self {
            Tab::Dashboard => "dashboard",
            Tab::Models => "models",
            Tab::Plans => "plans",
            Tab::Exchange => "exchange",
            Tab::Settings => "settings",
        }
    }
    pub fn route(self) -> Route {
        match self {
            Tab::Dashboard => Route::Dashboard,
            Tab::Models => Route::Models { query: String::new() },
            Tab::Plans => Route::Plans,
            Tab::Exchange => Route::Exchange,
            Tab::Settings => Route::Settings,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_page_and_round_trips() {
        let routes = [
            Route::Dashboard,
            Route::Models { query: String::new() },
            Route::Models { query: "q=a+luoi&field=economic".into() },
            Route::NewModel,
            Route::Model { id: "0b6f3c2e-1111-4222-8333-444455556666".into() },
            Route::EditModel { id: "abc".into() },
            Route::Plans,
            Route::NewPlan,
            Route::Plan { id: "p1".into() },
            Route::EditPlan { id: "p1".into() },
            Route::Visit { query: "loc=20101".into() },
            Route::Report { query: String::new() },
            Route::Report { query: "from=2024-01-01&to=2024-12-31".into() },
            Route::Exchange,
            Route::Send { query: String::new() },
            Route::Send { query: "model=0b6f3c2e-1111-4222-8333-444455556666".into() },
            Route::Settings,
        ];
        // A new page does not compile here until it is in the list above (and has a `parse` arm: the
        // round trip then checks it).
        for r in &routes {
            match r {
                Route::Dashboard | Route::Models { .. } | Route::NewModel | Route::Model { .. } | Route::EditModel { .. } => {}
                Route::Plans | Route::NewPlan | Route::Plan { .. } | Route::EditPlan { .. } | Route::Visit { .. } => {}
                Route::Report { .. } | Route::Exchange | Route::Send { .. } | Route::Settings | Route::NotFound { .. } => {}
            }
        }
        for r in routes {
            assert_eq!(Route::parse(&r.href()), r, "{}", r.href());
        }
        assert_eq!(Route::parse(""), Route::Dashboard);
        assert_eq!(Route::parse("#"), Route::Dashboard);
        assert_eq!(Route::parse("#/models/"), Route::Models { query: String::new() });
    }

    #[test]
    fn query_values_are_found_by_their_whole_key() {
        let q = "from=2026-01-01&to=2026-12-01&loc=20101";
        assert_eq!(query_value(q, "loc"), Some("20101"));
        assert_eq!(query_value(q, "to"), Some("2026-12-01"));
        assert_eq!(query_value("lo=1&loc=2", "loc"), Some("2"), "a key is not a prefix of another");
        assert_eq!(query_value(q, "q"), None);
    }

    #[test]
    fn unknown_paths_are_not_found() {
        assert_eq!(Route::parse("#/nothing/here"), Route::NotFound { path: "/nothing/here".into() });
        assert!(Route::parse("#/models/a/b/c").tab().is_none());
        assert_eq!(Route::parse("#/models/x%2Fy"), Route::Model { id: "x/y".into() });
    }
}
