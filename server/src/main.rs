//! `server` — runs Utfall. See `server help`.

use std::process::ExitCode;

use server::cli::{self, Command};
use server::config::Config;
use server::startup::Application;
use server::telemetry;

fn main() -> ExitCode {
    // Rendering a large page nests many futures; unoptimised builds need more than tokio's
    // default 2 MiB per worker thread.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(server::startup::THREAD_STACK_BYTES)
        .build();
    match runtime {
        Ok(runtime) => runtime.block_on(run()),
        Err(error) => {
            eprintln!("fel: kunde inte starta körmiljön: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> ExitCode {
    let command = match cli::parse(std::env::args().skip(1)) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("{message}\n\n{}", cli::USAGE);
            return ExitCode::from(2);
        }
    };
    if let Command::Help = command {
        println!("{}", cli::USAGE);
        return ExitCode::SUCCESS;
    }
    let (config, warnings) = match Config::load() {
        Ok(loaded) => loaded,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&config.log);
    for warning in warnings {
        tracing::warn!("{warning}");
    }
    let result = match command {
        Command::Serve => serve(&config).await,
        Command::SendTestMail { to } => cli::send_test_mail(&config, &to).await,
        Command::CreateAdmin(args) => cli::create_admin(&config, &args).await,
        Command::Backup { to } => cli::backup(&config, &to).await,
        Command::Help => Ok(()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // One readable line (with its causes), not a panic trace.
            eprintln!("fel: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: &Config) -> anyhow::Result<()> {
    let application = Application::build(config).await?;
    // The first line on stdout says where to go (tests read the port from it).
    println!(
        "Utfall körs på http://{}:{}",
        config.addr.ip(),
        application.port()
    );
    application.run_until_stopped().await?;
    Ok(())
}
