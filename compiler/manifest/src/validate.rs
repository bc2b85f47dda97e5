//! Validation of `janus.toml` against the manifest rules (dialect §10 "Manifest").
//!
//! The TOML is parsed with `toml`'s spanned document model (`DeTable`), which keeps the byte
//! span of every key and value, so each problem points at the offending key or value. The
//! validator reports every problem it finds instead of stopping at the first one.

use std::borrow::Cow;
use std::ops::Range;

use janus_syntax::{Diagnostic, FileId, Span};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::{
    CapabilityDecl, DEFAULT_ENTRY, DEFAULT_STORAGE_PATH, Manifest, NodeDecl, Package, Storage,
};

type Key<'i> = Spanned<Cow<'i, str>>;
type Value<'i> = Spanned<DeValue<'i>>;

const ROOT_KEYS: &[&str] = &["package", "capabilities", "cluster", "storage"];
const PACKAGE_KEYS: &[&str] = &["name", "version", "entry"];
const CLUSTER_KEYS: &[&str] = &["node"];
const NODE_KEYS: &[&str] = &["name", "listen", "caps"];
const STORAGE_KEYS: &[&str] = &["backend", "path", "url"];
const BACKENDS: &[&str] = &["embedded", "postgres"];

pub(crate) fn parse(file: FileId, text: &str) -> (Option<Manifest>, Vec<Diagnostic>) {
    let mut cx = Cx {
        file,
        len: text.len(),
        diags: Vec::new(),
    };
    let (root, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        let mut seen: Vec<(Range<usize>, String)> = Vec::new();
        for e in &errors {
            let range = e.span().unwrap_or(0..0);
            let message = e.message().to_string();
            if !seen.iter().any(|(r, m)| *r == range && *m == message) {
                seen.push((range, message));
            }
        }
        seen.sort_by_key(|(r, _)| (r.start, r.end));
        for (range, message) in seen {
            let d = Diagnostic::error("E1010", "janus.toml is not valid TOML")
                .primary(cx.span(range), message)
                .note("janus.toml is written in TOML: https://toml.io");
            cx.diags.push(d);
        }
        return (None, cx.diags);
    }
    let manifest = cx.manifest(root.get_ref());
    // Report in file order, whatever order the checks ran in.
    cx.diags
        .sort_by_key(|d| d.primary_span().map(|s| (s.lo, s.hi)));
    (manifest, cx.diags)
}

pub(crate) fn value_span(file: FileId, text: &str, path: &[&str]) -> Option<Span> {
    let Ok(root) = DeTable::parse(text) else {
        return None;
    };
    let cx = Cx {
        file,
        len: text.len(),
        diags: Vec::new(),
    };
    let (first, rest) = path.split_first()?;
    let mut value = root.get_ref().get(*first)?;
    for key in rest {
        value = value.get_ref().as_table()?.get(*key)?;
    }
    Some(cx.span(value.span()))
}

/// The entries of a table in the order the file wrote them (`DeTable` is sorted by name).
fn entries<'a, 'i>(table: &'a DeTable<'i>) -> Vec<(&'a Key<'i>, &'a Value<'i>)> {
    let mut v: Vec<_> = table.iter().collect();
    v.sort_by_key(|(k, _)| k.span().start);
    v
}

/// The closest candidate to a misspelt word: the toolchain's one did-you-mean rule.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    janus_syntax::suggest::did_you_mean(word, candidates)
}

fn is_lower_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

/// Checks a `listen` address: `host:port`, with an IPv6 host in brackets.
fn check_listen(s: &str) -> Result<(), String> {
    let Some((host, port)) = s.rsplit_once(':') else {
        return Err(format!("`{s}` has no port"));
    };
    if host.is_empty() {
        return Err(format!("`{s}` has no host"));
    }
    if host.chars().any(char::is_whitespace) {
        return Err(format!("the host in `{s}` contains a space"));
    }
    if let Some(inner) = host.strip_prefix('[') {
        if !inner.ends_with(']') || inner.len() < 2 {
            return Err(format!("the bracketed host in `{s}` is not closed"));
        }
    } else if host.contains(':') || host.contains(']') {
        return Err(format!(
            "an IPv6 host must be written in brackets, like `[::1]:{port}`"
        ));
    }
    if port.is_empty() || !port.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("the port `{port}` is not a number"));
    }
    match port.parse::<u32>() {
        Ok(0) => Err("port 0 cannot be used: other nodes must know where to connect".into()),
        Ok(p) if p <= 65535 => Ok(()),
        _ => Err(format!("the port `{port}` is out of range (1 to 65535)")),
    }
}

fn article_type(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

struct Cx {
    file: FileId,
    len: usize,
    diags: Vec<Diagnostic>,
}

impl Cx {
    fn span(&self, r: Range<usize>) -> Span {
        let lo = r.start.min(self.len);
        let hi = r.end.clamp(lo, self.len);
        Span::new(self.file, lo, hi)
    }

    fn error(&mut self, range: Range<usize>, message: String, label: &str, help: Option<String>) {
        let mut d = Diagnostic::error("E1011", message).primary(self.span(range), label);
        if let Some(h) = help {
            d = d.help(h);
        }
        self.diags.push(d);
    }

    /// Reports every key of `table` not in `allowed`; `table_name` is how the user wrote the
    /// table (`[package]`, or `janus.toml` for the top level).
    fn unknown_keys(&mut self, table: &DeTable<'_>, table_name: &str, allowed: &[&str]) {
        for (key, _) in entries(table) {
            let name: &str = key.get_ref();
            if allowed.contains(&name) {
                continue;
            }
            let help = match did_you_mean(name, allowed.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("the keys allowed here are {}", list(allowed)),
            };
            self.error(
                key.span(),
                format!("unknown key `{name}` in {table_name}"),
                "unknown key",
                Some(help),
            );
        }
    }

    /// A value that must be a table; reports the wrong type at the value.
    fn table<'a, 'i>(
        &mut self,
        key: &Key<'_>,
        value: &'a Value<'i>,
        what: &str,
    ) -> Option<&'a DeTable<'i>> {
        match value.get_ref() {
            DeValue::Table(t) => Some(t),
            other => {
                let name: &str = key.get_ref();
                self.error(
                    value.span(),
                    format!("`{name}` must be a table, found {}", article_type(other)),
                    "expected a table",
                    Some(format!("write it as a `[{what}]` section")),
                );
                None
            }
        }
    }

    /// A value that must be a string; reports the wrong type at the value.
    fn string(&mut self, key: &Key<'_>, value: &Value<'_>, table_name: &str) -> Option<String> {
        match value.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            other => {
                let name: &str = key.get_ref();
                self.error(
                    value.span(),
                    format!(
                        "`{name}` in {table_name} must be a string, found {}",
                        article_type(other)
                    ),
                    "expected a string",
                    Some(format!("put the value in quotes: `{name} = \"...\"`")),
                );
                None
            }
        }
    }

    /// A required string that must not be empty.
    fn nonempty_string(
        &mut self,
        key: &Key<'_>,
        value: &Value<'_>,
        table_name: &str,
    ) -> Option<String> {
        let s = self.string(key, value, table_name)?;
        if s.trim().is_empty() {
            let name: &str = key.get_ref();
            self.error(
                value.span(),
                format!("`{name}` in {table_name} must not be empty"),
                "empty value",
                None,
            );
            return None;
        }
        Some(s)
    }

    fn missing(&mut self, at: Range<usize>, key: &str, table_name: &str, example: &str) {
        self.error(
            at,
            format!("missing `{key}` in {table_name}"),
            &format!("{table_name} has no `{key}`"),
            Some(format!("add `{key} = {example}` to {table_name}")),
        );
    }

    fn manifest(&mut self, root: &DeTable<'_>) -> Option<Manifest> {
        self.unknown_keys(root, "janus.toml", ROOT_KEYS);
        let mut package = None;
        let mut capabilities = Vec::new();
        let mut nodes = Vec::new();
        let mut storage = Storage::Embedded {
            path: DEFAULT_STORAGE_PATH.to_string(),
        };
        // Capabilities first: nodes' `caps` are checked against them wherever they appear.
        if let Some((key, value)) = root.get_key_value("capabilities")
            && let Some(t) = self.table(key, value, "capabilities")
        {
            capabilities = self.capabilities(t);
        }
        for (key, value) in entries(root) {
            match &**key.get_ref() {
                "package" => {
                    if let Some(t) = self.table(key, value, "package") {
                        package = Some(self.package(key, t));
                    }
                }
                "cluster" => {
                    if let Some(t) = self.table(key, value, "cluster") {
                        nodes = self.cluster(t, &capabilities);
                    }
                }
                "storage" => {
                    if let Some(t) = self.table(key, value, "storage") {
                        storage = self.storage(key, t);
                    }
                }
                _ => {}
            }
        }
        let Some(package) = package else {
            if !root.contains_key("package") {
                self.error(
                    0..0,
                    "janus.toml has no `[package]` section".to_string(),
                    "expected `[package]` here",
                    Some("start the file with `[package]`, `name = \"...\"` and `version = \"0.1.0\"`".into()),
                );
            }
            return None;
        };
        Some(Manifest {
            file: self.file,
            package,
            capabilities,
            nodes,
            storage,
        })
    }

    fn package(&mut self, pkg_key: &Key<'_>, t: &DeTable<'_>) -> Package {
        const WHERE: &str = "`[package]`";
        self.unknown_keys(t, WHERE, PACKAGE_KEYS);
        let mut name = None;
        let mut version = None;
        let mut entry = None;
        for (key, value) in entries(t) {
            match &**key.get_ref() {
                "name" => name = self.nonempty_string(key, value, WHERE),
                "version" => version = self.nonempty_string(key, value, WHERE),
                "entry" => {
                    let Some(e) = self.nonempty_string(key, value, WHERE) else {
                        continue;
                    };
                    if !e.ends_with(".jan") {
                        self.error(
                            value.span(),
                            format!("`entry` must name a `.jan` source file, found `{e}`"),
                            "not a .jan file",
                            Some(format!("the default is `entry = \"{DEFAULT_ENTRY}\"`")),
                        );
                        continue;
                    }
                    entry = Some(e);
                }
                _ => {}
            }
        }
        if !t.contains_key("name") {
            self.missing(pkg_key.span(), "name", WHERE, "\"my-app\"");
        }
        if !t.contains_key("version") {
            self.missing(pkg_key.span(), "version", WHERE, "\"0.1.0\"");
        }
        Package {
            name: name.unwrap_or_default(),
            version: version.unwrap_or_default(),
            entry: entry.unwrap_or_else(|| DEFAULT_ENTRY.to_string()),
        }
    }

    fn capabilities(&mut self, t: &DeTable<'_>) -> Vec<CapabilityDecl> {
        const WHERE: &str = "`[capabilities]`";
        let mut out = Vec::new();
        for (key, value) in entries(t) {
            let name: &str = key.get_ref();
            let Some(description) = self.string(key, value, WHERE) else {
                continue;
            };
            if !is_lower_ident(name) {
                let fixed = name.to_lowercase().replace(['-', ' ', '.'], "_");
                let help = if is_lower_ident(&fixed) {
                    format!("write it as `{fixed}`")
                } else {
                    "use lowercase letters, digits and `_`, starting with a letter".to_string()
                };
                self.error(
                    key.span(),
                    format!("capability name `{name}` is not a lowercase identifier"),
                    "invalid capability name",
                    Some(help),
                );
                continue;
            }
            out.push(CapabilityDecl {
                name: name.to_string(),
                description,
                span: self.span(key.span()),
            });
        }
        out
    }

    fn cluster(&mut self, t: &DeTable<'_>, caps: &[CapabilityDecl]) -> Vec<NodeDecl> {
        self.unknown_keys(t, "`[cluster]`", CLUSTER_KEYS);
        let Some(value) = t.get("node") else {
            return Vec::new();
        };
        let DeValue::Array(items) = value.get_ref() else {
            self.error(
                value.span(),
                format!(
                    "`cluster.node` must be an array of tables, found {}",
                    article_type(value.get_ref())
                ),
                "expected `[[cluster.node]]` entries",
                Some("declare each node in its own `[[cluster.node]]` section".into()),
            );
            return Vec::new();
        };
        let mut nodes: Vec<NodeDecl> = Vec::new();
        for item in items.iter() {
            let DeValue::Table(node) = item.get_ref() else {
                self.error(
                    item.span(),
                    format!(
                        "a cluster node must be a table, found {}",
                        article_type(item.get_ref())
                    ),
                    "expected a table",
                    Some("declare each node in its own `[[cluster.node]]` section".into()),
                );
                continue;
            };
            if let Some(n) = self.node(item.span(), node, caps, &nodes) {
                nodes.push(n);
            }
        }
        nodes
    }

    fn node(
        &mut self,
        at: Range<usize>,
        t: &DeTable<'_>,
        caps: &[CapabilityDecl],
        earlier: &[NodeDecl],
    ) -> Option<NodeDecl> {
        const WHERE: &str = "`[[cluster.node]]`";
        self.unknown_keys(t, WHERE, NODE_KEYS);
        let mut name = None;
        let mut listen = None;
        let mut node_caps = Vec::new();
        let mut ok = true;
        for (key, value) in entries(t) {
            match &**key.get_ref() {
                "name" => {
                    let Some(n) = self.nonempty_string(key, value, WHERE) else {
                        ok = false;
                        continue;
                    };
                    if let Some(first) = earlier.iter().find(|e| e.name == n) {
                        let d = Diagnostic::error("E1011", format!("node `{n}` is declared twice"))
                            .primary(self.span(value.span()), "second declaration")
                            .secondary(first.span, "first declared here")
                            .help("give every `[[cluster.node]]` a different `name`");
                        self.diags.push(d);
                        ok = false;
                        continue;
                    }
                    name = Some((n, value.span()));
                }
                "listen" => {
                    let Some(l) = self.nonempty_string(key, value, WHERE) else {
                        ok = false;
                        continue;
                    };
                    if let Err(why) = check_listen(&l) {
                        self.error(
                            value.span(),
                            format!("invalid `listen` address: {why}"),
                            "expected `host:port`",
                            Some("write it like `listen = \"127.0.0.1:7101\"`".into()),
                        );
                        ok = false;
                        continue;
                    }
                    listen = Some(l);
                }
                "caps" => node_caps = self.node_caps(value, caps),
                _ => {}
            }
        }
        if !t.contains_key("name") {
            self.missing(at.clone(), "name", WHERE, "\"n1\"");
        }
        if !t.contains_key("listen") {
            self.missing(at, "listen", WHERE, "\"127.0.0.1:7101\"");
        }
        let (name, name_span) = name?;
        let listen = listen?;
        if !ok {
            return None;
        }
        Some(NodeDecl {
            name,
            listen,
            caps: node_caps,
            span: self.span(name_span),
        })
    }

    fn node_caps(&mut self, value: &Value<'_>, caps: &[CapabilityDecl]) -> Vec<String> {
        let DeValue::Array(items) = value.get_ref() else {
            self.error(
                value.span(),
                format!(
                    "`caps` must be an array of capability names, found {}",
                    article_type(value.get_ref())
                ),
                "expected an array",
                Some("write it like `caps = [\"storage_nvme\", \"gpu\"]`".into()),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            let DeValue::String(s) = item.get_ref() else {
                self.error(
                    item.span(),
                    format!(
                        "a capability in `caps` must be a string, found {}",
                        article_type(item.get_ref())
                    ),
                    "expected a string",
                    None,
                );
                continue;
            };
            if !caps.iter().any(|c| c.name == **s) {
                let help = match did_you_mean(s, caps.iter().map(|c| c.name.as_str())) {
                    Some(c) => format!("did you mean `{c}`?"),
                    None => format!("declare it under `[capabilities]`: `{s} = \"what it means\"`"),
                };
                self.error(
                    item.span(),
                    format!("capability `{s}` is not declared in `[capabilities]`"),
                    "undeclared capability",
                    Some(help),
                );
                continue;
            }
            out.push(s.to_string());
        }
        out
    }

    fn storage(&mut self, storage_key: &Key<'_>, t: &DeTable<'_>) -> Storage {
        const WHERE: &str = "`[storage]`";
        self.unknown_keys(t, WHERE, STORAGE_KEYS);
        let mut backend = "embedded".to_string();
        let mut backend_span = storage_key.span();
        if let Some((key, value)) = t.get_key_value("backend")
            && let Some(b) = self.string(key, value, WHERE)
        {
            if BACKENDS.contains(&b.as_str()) {
                backend = b;
                backend_span = value.span();
            } else {
                let help = match did_you_mean(&b, BACKENDS.iter().copied()) {
                    Some(s) => format!("did you mean `\"{s}\"`?"),
                    None => "use `\"embedded\"` (the default) or `\"postgres\"`".to_string(),
                };
                self.error(
                    value.span(),
                    format!("unknown storage backend `{b}`"),
                    "unknown backend",
                    Some(help),
                );
                return Storage::Embedded {
                    path: DEFAULT_STORAGE_PATH.to_string(),
                };
            }
        }
        let path = t.get_key_value("path");
        let url = t.get_key_value("url");
        if backend == "postgres" {
            if let Some((key, _)) = path {
                self.error(
                    key.span(),
                    "`path` applies only to the embedded storage backend".into(),
                    "not used by postgres",
                    Some("remove `path`, or use `backend = \"embedded\"`".into()),
                );
            }
            let Some((key, value)) = url else {
                self.error(
                    backend_span,
                    "the postgres storage backend needs a `url`".into(),
                    "no `url` in `[storage]`",
                    Some("add `url = \"postgres://user@localhost/janus\"` to `[storage]`".into()),
                );
                return Storage::Postgres { url: String::new() };
            };
            let url = self.nonempty_string(key, value, WHERE).unwrap_or_default();
            let postgres_url = url.starts_with("postgres://") || url.starts_with("postgresql://");
            if !url.is_empty() && !postgres_url {
                self.error(
                    value.span(),
                    format!("`{url}` is not a PostgreSQL connection URL"),
                    "expected `postgres://...`",
                    Some("write it like `url = \"postgres://user@localhost/janus\"`".into()),
                );
            }
            Storage::Postgres { url }
        } else {
            if let Some((key, _)) = url {
                self.error(
                    key.span(),
                    "`url` applies only to the postgres storage backend".into(),
                    "not used by the embedded backend",
                    Some("remove `url`, or set `backend = \"postgres\"`".into()),
                );
            }
            let path = match path {
                Some((key, value)) => self.nonempty_string(key, value, WHERE),
                None => None,
            };
            Storage::Embedded {
                path: path.unwrap_or_else(|| DEFAULT_STORAGE_PATH.to_string()),
            }
        }
    }
}

fn list(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| format!("`{w}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
