//! `bare-hop LISTEN [--next NEXT]`: one hop of the bare chain (see the library).

use clap::Parser;
use lifeboat_bench_ceiling::Next;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// One hop of the bare chain `bench/perf-native.sh` measures beside Lifeboat.
#[derive(Parser)]
#[command(name = "bare-hop", about)]
struct Args {
    /// A port to listen on, on 127.0.0.1, or `unix:PATH` for a Unix socket.
    listen: String,
    /// Where to forward `POST /api/inference` (an `http://` URL or `unix:PATH`); without it
    /// this hop answers.
    #[arg(long)]
    next: Option<Next>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let next = args.next.unwrap_or(Next::Answer);
    match args.listen.strip_prefix("unix:") {
        Some(path) => {
            let _ = std::fs::remove_file(path);
            let listener = tokio::net::UnixListener::bind(path)?;
            lifeboat_bench_ceiling::serve_unix(listener, next).await
        }
        None => {
            let listener =
                tokio::net::TcpListener::bind(("127.0.0.1", args.listen.parse()?)).await?;
            lifeboat_bench_ceiling::serve(listener, next).await
        }
    }
}
