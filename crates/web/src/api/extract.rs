//! Extractors of the JSON API: the bearer-token actor, ids in the path, the query string and
//! the JSON body. Each rejects with a problem+json response. Handlers take them in this order
//! (actor, path, query, body), so an unauthenticated request is refused before anything else
//! is looked at, and a malformed id answers 404 before the body is read.
use super::problem::{serde_field_problem, ApiError};
use crate::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::body::Bytes;
use axum::http::{header, HeaderMap, StatusCode};
use hearth_app::Actor;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::HashMap;
use uuid::Uuid;

/// The user behind a personal API token (`Authorization: Bearer <token>`). Cookies are never
/// looked at, so the API needs no CSRF protection.
pub struct ApiActor(pub Actor);

/// Longer values cannot be Hearth tokens; they are refused without a database look-up.
const MAX_TOKEN_LEN: usize = 256;

fn bearer_token(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && token.len() <= MAX_TOKEN_LEN).then_some(token)
}

impl FromRequestParts<AppState> for ApiActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer_token(parts).ok_or_else(ApiError::unauthenticated)?;
        match state.app.api_actor(token).await? {
            Some(actor) => {
                crate::observability::note_user(&parts.extensions, actor.user.id);
                Ok(ApiActor(actor))
            }
            None => Err(ApiError::unauthenticated()),
        }
    }
}

/// The ids in the path. Anything that is not a UUID answers 404, as an unknown id does, so
/// that ids cannot be probed.
pub struct PathIds(HashMap<String, Uuid>);

impl PathIds {
    pub fn get(&self, name: &str) -> Result<Uuid, ApiError> {
        self.0.get(name).copied().ok_or_else(ApiError::not_found)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PathIds {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<HashMap<String, String>>::from_request_parts(parts, state).await.map_err(|_| ApiError::not_found())?;
        let mut ids = HashMap::new();
        for (k, v) in raw {
            // Only the canonical hyphenated form, so one record has one address.
            let id = Uuid::try_parse(&v).ok().filter(|u| v.len() == 36 && u.hyphenated().to_string() == v.to_ascii_lowercase());
            ids.insert(k, id.ok_or_else(ApiError::not_found)?);
        }
        Ok(PathIds(ids))
    }
}

/// The query string; a value of the wrong type is a 422 naming the parameter.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(ApiQuery(v)),
            Err(rej) => {
                let text = rej.body_text();
                Err(match serde_field_problem(&text) {
                    Some((field, message)) => ApiError::invalid_field(&field, &message),
                    None => ApiError::status(StatusCode::UNPROCESSABLE_ENTITY, &text),
                })
            }
        }
    }
}

/// A JSON body. Its failures are problems too: 415 without `Content-Type: application/json`,
/// 413 over the size limit, 400 for malformed JSON, 422 for JSON of the wrong shape.
pub struct ApiJson<T>(pub T);

/// `application/json`, or another `application/…+json`, with any parameters.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(ct) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

impl<T: DeserializeOwned + Send + 'static, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(ApiError::status(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Send the body as JSON, with `Content-Type: application/json`."));
        }
        // Reading through `Bytes` applies the router's `DefaultBodyLimit`.
        let bytes = Bytes::from_request(req, state).await.map_err(|rej| {
            if rej.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::status(StatusCode::PAYLOAD_TOO_LARGE, "The body is larger than Hearth accepts. Nothing was saved.")
            } else {
                ApiError::status(StatusCode::BAD_REQUEST, "The body could not be read.")
            }
        })?;
        match axum::Json::<T>::from_bytes(&bytes) {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::JsonDataError(e)) => {
                let text = e.body_text();
                if bytes.len() <= INLINE_ANALYSIS_BYTES {
                    return analyse::<T>(&bytes, &text).map(ApiJson);
                }
                // Finding the culprit deserialises the body a few dozen times: for a large
                // body that is real CPU work, kept off the threads that serve other requests.
                tokio::task::spawn_blocking(move || analyse::<T>(&bytes, &text))
                    .await
                    .unwrap_or_else(|_| Err(ApiError::status(StatusCode::UNPROCESSABLE_ENTITY, "The body does not have the shape this operation expects.")))
                    .map(ApiJson)
            }
            Err(rej) => {
                let text = rej.body_text();
                let detail = text.split_once(": ").map_or(text.as_str(), |(_, m)| m);
                Err(ApiError::status(StatusCode::BAD_REQUEST, &format!("The body is not valid JSON: {detail}")))
            }
        }
    }
}

/// Bodies up to this size have their shape errors analysed on the request's own task; larger
/// ones on the blocking pool.
const INLINE_ANALYSIS_BYTES: usize = 16 * 1024;

/// A body that serde refused: accepted after all when its only fault was a whole number
/// written with a fraction (`3.0`), which JSON Schema counts as an integer; otherwise the
/// field error that names the culprit.
fn analyse<T: DeserializeOwned>(bytes: &[u8], text: &str) -> Result<T, ApiError> {
    if let Ok(mut value) = serde_json::from_slice::<Value>(bytes)
        && integral_floats_to_integers(&mut value)
    {
        // Positions in serde's messages would refer to the rewritten text; the analysis of a
        // failure below uses the body as sent.
        if let Ok(v) = serde_json::to_vec(&value).map_err(|_| ()).and_then(|b| axum::Json::<T>::from_bytes(&b).map_err(|_| ())) {
            return Ok(v.0);
        }
    }
    Err(data_error::<T>(bytes, text))
}

/// Rewrites every number that is a whole number written as a float (`16034.0`, `1e3`) as
/// that integer, within the range of `i64`. Says whether anything changed.
fn integral_floats_to_integers(v: &mut Value) -> bool {
    match v {
        Value::Number(n) if n.is_f64() => {
            // 2^63 is exactly representable: the range check needs no rounding.
            const LIMIT: f64 = 9_223_372_036_854_775_808.0;
            match n.as_f64() {
                #[allow(clippy::cast_possible_truncation)] // whole and within range: exact
                Some(f) if f.fract() == 0.0 && (-LIMIT..LIMIT).contains(&f) => {
                    *v = Value::from(f as i64);
                    true
                }
                _ => false,
            }
        }
        Value::Array(items) => items.iter_mut().fold(false, |changed, x| integral_floats_to_integers(x) | changed),
        Value::Object(map) => map.values_mut().fold(false, |changed, x| integral_floats_to_integers(x) | changed),
        _ => false,
    }
}

/// JSON of the wrong shape, as a field error where the field can be found.
fn data_error<T: DeserializeOwned>(bytes: &[u8], text: &str) -> ApiError {
    if let Some((field, message)) = serde_field_problem(text) {
        return ApiError::invalid_field(&field, &message);
    }
    let message = text.split_once(": ").map_or(text, |(_, m)| m);
    // Where the fields of a person or case note are flattened into the body, serde reports
    // no path (and the position of the body's end). The culprit is the top-level field
    // whose removal cures the error.
    let message = message.rsplit_once(" at line ").map_or(message, |(m, _)| m);
    if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(bytes) {
        let keys: Vec<&String> = map.keys().collect();
        let attempt = |removed: &[&String]| {
            let mut without = map.clone();
            for k in removed {
                without.remove(*k);
            }
            serde_json::from_value::<T>(Value::Object(without)).err().map(|e| e.to_string())
        };
        if let Some(key) = culprit(&keys, attempt) {
            return ApiError::invalid_field(key, message);
        }
    }
    ApiError::status(StatusCode::UNPROCESSABLE_ENTITY, message)
}

/// The key whose removal cures a deserialisation error, found by bisection: `attempt(keys)`
/// deserialises the object without `keys` and gives the error, if any. While the culprit is
/// in the object serde stops at it, so removing keys without it leaves the same error, and
/// removing keys with it changes the error. That takes about log2(n) attempts rather than
/// one per key: a body of thousands of unknown keys and one bad field must not cost
/// quadratic time. The key found is checked on its own before it is named.
fn culprit<'k, K: AsRef<str> + ?Sized>(keys: &[&'k K], mut attempt: impl FnMut(&[&'k K]) -> Option<String>) -> Option<&'k K> {
    let original = attempt(&[])?;
    let (mut lo, mut hi) = (0, keys.len());
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if attempt(&keys[lo..mid]).as_ref() == Some(&original) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let key = *keys.get(lo)?;
    // Cured: no error at all, or only the absence of the (required) key itself.
    let cured = match attempt(&[key]) {
        None => true,
        Some(e) => e.starts_with(&format!("missing field `{}`", key.as_ref())),
    };
    cured.then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Inner {
        #[allow(dead_code)]
        version: i64,
        #[allow(dead_code)]
        name: String,
    }

    #[derive(Debug, Deserialize)]
    struct Flat {
        #[serde(flatten)]
        #[allow(dead_code)]
        inner: Inner,
        #[serde(flatten)]
        #[allow(dead_code)]
        rest: std::collections::BTreeMap<String, Value>,
    }

    fn body(unknown: usize, bad: (&str, Value)) -> Vec<u8> {
        let mut map = serde_json::Map::new();
        for i in 0..unknown {
            map.insert(format!("extra_{i:05}"), Value::from(i));
        }
        map.insert("version".into(), Value::from(3));
        map.insert("name".into(), Value::from("Amy"));
        map.insert(bad.0.into(), bad.1);
        serde_json::to_vec(&Value::Object(map)).unwrap()
    }

    fn problem_field(e: ApiError) -> String {
        let res = axum::response::IntoResponse::into_response(e);
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let (_, b) = res.into_parts();
        let bytes = futures_bytes(b);
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        v["errors"][0]["field"].as_str().unwrap_or_default().to_string()
    }

    fn futures_bytes(b: axum::body::Body) -> Bytes {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(axum::body::to_bytes(b, usize::MAX)).unwrap()
    }

    fn analysed(bytes: &[u8]) -> Result<Flat, ApiError> {
        match axum::Json::<Flat>::from_bytes(bytes) {
            Ok(v) => Ok(v.0),
            Err(JsonRejection::JsonDataError(e)) => analyse::<Flat>(bytes, &e.body_text()),
            Err(other) => panic!("{}", other.body_text()),
        }
    }

    #[test]
    fn the_culprit_beside_flattened_fields_is_named() {
        for (field, value) in [("name", Value::from(5)), ("version", Value::from("x"))] {
            let err = analysed(&body(3, (field, value))).unwrap_err();
            assert_eq!(problem_field(err), field);
        }
    }

    #[test]
    fn finding_the_culprit_among_thousands_of_keys_takes_logarithmically_many_attempts() {
        let keys: Vec<String> = (0..8000).map(|i| format!("k{i:05}")).collect();
        let refs: Vec<&String> = keys.iter().collect();
        let bad = &keys[5678];
        let mut attempts = 0;
        let found = culprit(&refs, |removed: &[&String]| {
            attempts += 1;
            (!removed.contains(&bad)).then(|| "invalid type".to_string())
        });
        assert_eq!(found, Some(bad));
        // One for the original error, ceil(log2(8000)) = 13 halvings, one to confirm.
        assert!(attempts <= 15, "{attempts} attempts");
    }

    #[test]
    fn no_culprit_when_no_single_key_cures() {
        let keys = ["a", "b", "c"];
        let refs: Vec<&str> = keys.to_vec();
        // Two bad fields: removing either leaves an error.
        let found = culprit(&refs, |removed: &[&str]| match (removed.contains(&"a"), removed.contains(&"c")) {
            (true, true) => None,
            (false, _) => Some("a is bad".to_string()),
            (true, false) => Some("c is bad".to_string()),
        });
        assert_eq!(found, None);
    }

    #[test]
    fn whole_numbers_written_as_floats_are_integers() {
        let v = analysed(&body(0, ("version", serde_json::json!(16034.0)))).unwrap();
        assert_eq!(v.inner.version, 16034);
        assert!(analysed(&body(0, ("version", serde_json::json!(1.5)))).is_err());
        assert!(analysed(&body(0, ("version", serde_json::json!(1e300)))).is_err());
        let mut big = serde_json::json!({"a": [2.0, {"b": -3.0}], "c": 0.5});
        assert!(integral_floats_to_integers(&mut big));
        assert_eq!(big, serde_json::json!({"a": [2, {"b": -3}], "c": 0.5}));
    }
}
