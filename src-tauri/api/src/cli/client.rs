//! The CLI's connection to a running Hearth: found through `api.json`, proved before the
//! token is sent, and the calls every command makes.

use hearth_engine::{ApiError, ErrorCode, paths, secrets};
use serde_json::{Value, json};

use crate::ops::schema::Http;
use crate::ops::{app, attachments};

pub(super) struct Client {
    pub(super) base: String,
    pub(super) token: String,
    pub(super) http: reqwest::Client,
}

impl Client {
    /// The client of the API at `url`, or of the one `api.json` names. Before the token goes
    /// anywhere, the server proves it is the Hearth that wrote `api.json` ([`Client::prove`]):
    /// after a crash the file stays behind, and whoever listens on its port next must not
    /// receive the token.
    pub(super) async fn connect(url: Option<String>) -> Result<Client, ApiError> {
        let path = paths::data_dir().join("api.json");
        let info: Option<Value> =
            std::fs::read_to_string(&path).ok().and_then(|s| serde_json::from_str(&s).ok());
        let named = info.as_ref().and_then(|i| i["port"].as_u64());
        let nonce = info.as_ref().and_then(|i| i["nonce"].as_str()).map(str::to_owned);
        let (base, loopback, nonce) = match url {
            None => {
                let port = named.ok_or_else(|| not_running(&format!("no {}", path.display())))?;
                let nonce = nonce.ok_or_else(|| {
                    not_hearth(&format!(
                        "{} has no nonce: an older Hearth wrote it; restart Hearth",
                        path.display()
                    ))
                })?;
                (format!("http://127.0.0.1:{port}"), true, Some(nonce))
            }
            Some(u) => {
                let parsed = reqwest::Url::parse(&u).map_err(|e| {
                    ApiError::new(ErrorCode::InvalidInput, format!("--url {u:?}: {e}"))
                })?;
                let host = parsed.host_str().unwrap_or("");
                let loopback = host.eq_ignore_ascii_case("localhost")
                    || host
                        .trim_matches(['[', ']'])
                        .parse::<std::net::IpAddr>()
                        .is_ok_and(|ip| ip.is_loopback());
                if !loopback && parsed.scheme() != "https" {
                    return Err(ApiError::new(
                        ErrorCode::InvalidInput,
                        "--url must be a loopback address or https: the token would cross \
                         the network in the clear",
                    ));
                }
                // The Hearth of api.json, named by hand: it proves itself all the same.
                let same = loopback
                    && named.is_some()
                    && parsed.port_or_known_default() == named.map(|p| p as u16);
                (u.trim_end_matches('/').to_owned(), loopback, nonce.filter(|_| same))
            }
        };
        let mut http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
        if loopback {
            // A proxy from the environment has no business between us and 127.0.0.1.
            http = http.no_proxy();
        }
        let http = http.build().map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        let client = Client { base, token: String::new(), http };
        if let Some(nonce) = &nonce {
            client.prove(nonce).await?;
        }
        Ok(Client { token: secrets::existing_api_token()?, ..client })
    }

    /// Asks the server for HMAC(nonce, a fresh challenge) on `/v1/prove`, which needs no
    /// token; only the Hearth that wrote `api.json` knows the nonce. An impostor learns a
    /// random challenge and nothing else.
    pub(super) async fn prove(&self, nonce: &str) -> Result<(), ApiError> {
        let challenge = secrets::new_token();
        let resp = self
            .http
            .post(format!("{}{}", self.base, app::api_prove::HTTP.path))
            .json(&json!({"challenge": challenge}))
            .send()
            .await
            .map_err(|e| not_running(&e.to_string()))?;
        let proof = match resp.status() {
            reqwest::StatusCode::OK => resp.json::<Value>().await.ok(),
            _ => None,
        };
        let proof = proof.as_ref().and_then(|v| v["proof"].as_str()).unwrap_or("");
        if !secrets::api_proof_matches(nonce, &challenge, proof) {
            return Err(not_hearth(&format!(
                "what listens at {} is not the Hearth that wrote api.json (a file left by a \
                 crash, or another program on that port), so it was not sent the token",
                self.base
            )));
        }
        Ok(())
    }

    /// Calls a declared route: its method, its path with `params` in its `{…}` segments, then
    /// `query` (`?…`, or empty).
    pub(super) async fn call(
        &self,
        route: &Http,
        params: &[&str],
        query: &str,
        body: Option<Value>,
    ) -> Result<Value, ApiError> {
        let mut req = self.request(route, params, query);
        if let Some(body) = body {
            req = req.json(&body);
        }
        answer(req.send().await.map_err(|e| not_running(&e.to_string()))?).await
    }

    pub(super) fn request(
        &self,
        route: &Http,
        params: &[&str],
        query: &str,
    ) -> reqwest::RequestBuilder {
        let method = reqwest::Method::from_bytes(route.method.as_str().as_bytes())
            .expect("a declared method is an HTTP method");
        let url = format!("{}{}{query}", self.base, route.fill(params));
        self.http.request(method, url).bearer_auth(&self.token)
    }

    /// Uploads a file to a session (`POST /v1/sessions/{id}/attachments`); its id.
    pub(super) async fn upload(
        &self,
        session: &str,
        file: &std::path::Path,
    ) -> Result<String, ApiError> {
        let bytes = std::fs::read(file).map_err(|e| {
            ApiError::new(ErrorCode::InvalidInput, format!("cannot read {}: {e}", file.display()))
        })?;
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let form = reqwest::multipart::Form::new()
            .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name));
        let req = self.request(&attachments::attachment_add::HTTP, &[session], "").multipart(form);
        let info = answer(req.send().await.map_err(|e| not_running(&e.to_string()))?).await?;
        Ok(info["attachment_id"].as_str().unwrap_or_default().to_owned())
    }
}

fn not_hearth(detail: &str) -> ApiError {
    ApiError::new(ErrorCode::NotHearth, format!("{detail}; start the app or `hearth serve`"))
}

pub(super) fn not_running(detail: &str) -> ApiError {
    ApiError::new(
        ErrorCode::Network,
        format!("cannot reach Hearth ({detail}); start the app or `hearth serve`"),
    )
}

/// A response's JSON, or the API's `{error}` as an error.
async fn answer(resp: reqwest::Response) -> Result<Value, ApiError> {
    let status = resp.status();
    let value: Value = if status == reqwest::StatusCode::NO_CONTENT {
        Value::Null
    } else {
        resp.json().await.unwrap_or(Value::Null)
    };
    if status.is_success() {
        return Ok(value);
    }
    Err(serde_json::from_value::<ApiError>(value["error"].clone())
        .unwrap_or_else(|_| ApiError::new(ErrorCode::Internal, format!("HTTP {status}"))))
}
