//! SQL text built at run time (IN lists, optional filters) with `$n` placeholders, which
//! both drivers read as "argument n". Values are always bound, never spliced into the text.
use crate::error::db_err;
use hearth_store::Result;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Executor};

pub(crate) enum Arg {
    Text(String),
    Int(i64),
    OptText(Option<String>),
    OptInt(Option<i64>),
}

impl From<Option<String>> for Arg {
    fn from(s: Option<String>) -> Self {
        Arg::OptText(s)
    }
}

impl From<Option<i64>> for Arg {
    fn from(i: Option<i64>) -> Self {
        Arg::OptInt(i)
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_string())
    }
}

impl From<i64> for Arg {
    fn from(i: i64) -> Self {
        Arg::Int(i)
    }
}

pub(crate) struct DynSql {
    pub sql: String,
    args: Vec<Arg>,
    /// Whether the prepared statement is worth caching on the connection: not for text that
    /// is unlikely to recur (long lists of references).
    pub cache: bool,
}

impl Default for DynSql {
    fn default() -> Self {
        Self { sql: String::new(), args: Vec::new(), cache: true }
    }
}

impl DynSql {
    pub fn new(sql: &str) -> Self {
        Self { sql: sql.to_string(), ..Self::default() }
    }

    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Adds an argument and returns its placeholder.
    pub fn arg(&mut self, a: impl Into<Arg>) -> String {
        self.args.push(a.into());
        format!("${}", self.args.len())
    }

    /// Adds arguments and returns their placeholders separated by commas.
    pub fn list<A: Into<Arg>>(&mut self, items: impl IntoIterator<Item = A>) -> String {
        items.into_iter().map(|a| self.arg(a)).collect::<Vec<_>>().join(", ")
    }

    fn query(self) -> sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments> {
        let mut q = sqlx::query(AssertSqlSafe(self.sql)).persistent(self.cache);
        for a in self.args {
            q = match a {
                Arg::Text(s) => q.bind(s),
                Arg::Int(i) => q.bind(i),
                Arg::OptText(s) => q.bind(s),
                Arg::OptInt(i) => q.bind(i),
            };
        }
        q
    }

    pub async fn fetch_all(self, c: &mut AnyConnection) -> Result<Vec<AnyRow>> {
        c.fetch_all(self.query()).await.map_err(db_err)
    }

    pub async fn execute(self, c: &mut AnyConnection) -> Result<u64> {
        c.execute(self.query()).await.map(|r| r.rows_affected()).map_err(db_err)
    }
}
