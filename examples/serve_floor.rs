//! The floor under `mesonero serve`'s cost per request: a bare hyper
//! server, on the same runtime, answering every request with person 1's
//! JSON and serve's headers, and nothing else (no routes, no CORS
//! preflights, no gzip, no timeouts, no graceful stop). With
//! `SERVE_FLOOR=axum`, the same answer comes through axum's router and
//! one route, to measure what a router costs.
//!
//! It takes the command line `benches/serve_nginx.sh` gives serve, so
//! that the script measures it in serve's place:
//!
//! ```sh
//! cargo build --release --example serve_floor
//! MESONERO=target/release/examples/serve_floor benches/serve_nginx.sh 3 10
//! SERVE_FLOOR=axum MESONERO=target/release/examples/serve_floor benches/serve_nginx.sh 3 10
//! ```

use std::convert::Infallible;
use std::net::SocketAddr;
use std::process::ExitCode;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, ACCESS_CONTROL_ALLOW_ORIGIN, CONTENT_TYPE, VARY};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use mesonero::people::{Dataset, Resource};
use tokio::net::TcpListener;

fn main() -> ExitCode {
    // `serve --addr ADDR ...`, as the script starts serve.
    let args: Vec<String> = std::env::args().collect();
    let addr = args
        .iter()
        .position(|a| a == "--addr")
        .and_then(|i| args.get(i + 1))
        .map_or("127.0.0.1:0", String::as_str);
    let Ok(addr) = addr.parse::<SocketAddr>() else {
        eprintln!("error: --addr {addr} is not an address such as 127.0.0.1:0");
        return ExitCode::from(2);
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(addr)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(addr: SocketAddr) -> std::io::Result<()> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let base = format!("http://{addr}");
    let person = Dataset::builtin()
        .render(Resource::People, 1, &base)
        .and_then(|record| serde_json::to_vec(&record).ok())
        .map(Bytes::from)
        .unwrap_or_default();
    let axum = std::env::var_os("SERVE_FLOOR").is_some_and(|v| v == "axum");
    eprintln!(
        "serving person 1 on {base} ({}); Ctrl-C to stop",
        if axum { "axum's router" } else { "bare hyper" }
    );
    loop {
        let stream = tokio::select! {
            _ = tokio::signal::ctrl_c() => return Ok(()),
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => continue,
            },
        };
        let _ = stream.set_nodelay(true);
        let io = TokioIo::new(stream);
        let person = person.clone();
        tokio::spawn(async move {
            let builder = http1::Builder::new();
            let _ = if axum {
                let one = move || async move { answer(person) };
                let router = axum::Router::new()
                    .route("/api/people/{id}/", axum::routing::get(one))
                    .fallback(|| async { answer(Bytes::new()) });
                builder
                    .serve_connection(io, TowerToHyperService::new(router))
                    .await
            } else {
                let bare = service_fn(move |_: Request<Incoming>| {
                    let person = person.clone();
                    async move { Ok::<_, Infallible>(answer(person)) }
                });
                builder.serve_connection(io, bare).await
            };
        });
    }
}

/// `body`, with the headers serve gives person 1.
fn answer(body: Bytes) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.append(VARY, HeaderValue::from_static("accept-encoding"));
    headers.append(
        VARY,
        HeaderValue::from_static(
            "origin, access-control-request-method, access-control-request-headers",
        ),
    );
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    response
}
