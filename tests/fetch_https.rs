//! `https://` works, through rustls with no OpenSSL: a local TLS server
//! with a certificate from a test authority, which the client trusts
//! through `SSL_CERT_FILE`, as a user would trust a private one.

mod common;

use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::TlsAcceptor;

const LUKE: &str = r#"{"name":"Luke Skywalker","height":"174","mass":"73","hair_color":"sandy","skin_color":"tanned","eye_color":"grey-blue","birth_year":"20BBY","gender":"male","homeworld":"https://localhost/api/planets/1/","created":"","edited":"","url":"https://localhost/api/people/1/"}"#;

/// Serves `LUKE` over TLS on a free loopback port, for any request, on a
/// thread of its own; returns the port.
fn serve_tls(config: ServerConfig) -> u16 {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap().port()).unwrap();
            let acceptor = TlsAcceptor::from(Arc::new(config));
            // Bounded: the test makes a handful of connections.
            for _ in 0..20 {
                let Ok((stream, _)) = listener.accept().await else { break };
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(stream).await else { return };
                    let mut request = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match tls.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => request.extend_from_slice(&buf[..n]),
                        }
                    }
                    let response = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{LUKE}",
                        LUKE.len()
                    );
                    let _ = tls.write_all(response.as_bytes()).await;
                    let _ = tls.shutdown().await;
                });
            }
        });
    });
    rx.recv().unwrap()
}

#[test]
fn fetch_speaks_https_to_a_server_it_trusts_and_refuses_one_it_does_not() {
    mesonero::people::client::ensure_tls();
    let mut authority = CertificateParams::new(Vec::<String>::new()).unwrap();
    authority.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let authority = CertifiedIssuer::self_signed(authority, KeyPair::generate().unwrap()).unwrap();
    let key = KeyPair::generate().unwrap();
    let certificate = CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&key, &authority)
        .unwrap();
    let config = ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(
            vec![certificate.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .unwrap();
    let port = serve_tls(config);
    let dir = tempfile::tempdir().unwrap();
    let trusted = dir.path().join("authority.pem");
    std::fs::write(&trusted, authority.pem()).unwrap();
    let api = format!("https://localhost:{port}/api/");

    let out = common::mesonero(["fetch", "--api", &api, "--ids", "1", "--retries", "0"])
        .env("SSL_CERT_FILE", &trusted)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("Person number 1 = Luke Skywalker"),
        "{stdout}"
    );

    // With only the system's authorities, the certificate is refused: a
    // clear error, not a silent success.
    let out = common::mesonero(["fetch", "--api", &api, "--ids", "1", "--retries", "0"])
        .env_remove("SSL_CERT_FILE")
        .env_remove("SSL_CERT_DIR")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("Person number 1 failed: connection to"),
        "{stdout}"
    );
}
