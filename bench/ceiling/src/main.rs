//! `bare-hop PORT [--next URL]`: one hop of the bare chain (see the library).

use clap::Parser;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// One hop of the bare chain `bench/perf-native.sh` measures beside Lifeboat.
#[derive(Parser)]
#[command(name = "bare-hop", about)]
struct Args {
    /// Port to listen on, on 127.0.0.1.
    port: u16,
    /// Where to forward `POST /api/inference`; without it this hop answers.
    #[arg(long)]
    next: Option<axum::http::Uri>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port)).await?;
    lifeboat_bench_ceiling::serve(listener, args.next).await
}
