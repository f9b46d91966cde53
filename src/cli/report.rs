//! `tuijin report briefing|upward|minutes`: the documents of the 文稿 page
//! from the command line, on the configured database.

use crate::documents::{choice, gather, minutes, Format, Kind};
use crate::storage::Store;
use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::sync::Arc;
use tuijin_domain::Lang;

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// 督查通报: the weekly briefing.
    Briefing(LedgerArgs),
    /// 工作专报: the report to the higher level.
    Upward(LedgerArgs),
    /// 会议纪要: the minutes of a meeting (--meeting ID), or of a meeting
    /// record in JSON (--from-json FILE, see documents::minutes::MeetingRecord).
    Minutes {
        #[arg(long, conflicts_with = "from_json", required_unless_present = "from_json")]
        meeting: Option<i64>,
        #[arg(long)]
        from_json: Option<PathBuf>,
        #[command(flatten)]
        out: Output,
    },
}

#[derive(Debug, Args)]
pub struct LedgerArgs {
    /// Any day of the reporting period (YYYY-MM-DD); today by default.
    #[arg(long)]
    period: Option<String>,
    /// A key work by id or name; repeat for several; all by default.
    #[arg(long = "key-work")]
    key_works: Vec<String>,
    #[command(flatten)]
    out: Output,
}

#[derive(Debug, Args)]
pub struct Output {
    /// docx, xlsx or html.
    #[arg(long, default_value = "docx")]
    format: String,
    /// zh-CN or en.
    #[arg(long, default_value = "zh-CN")]
    lang: String,
    /// Where to write the document.
    #[arg(short = 'o', long = "output")]
    output: PathBuf,
}

impl Output {
    fn lang(&self) -> anyhow::Result<Lang> {
        match self.lang.as_str() {
            "zh-CN" | "zh" => Ok(Lang::Zh),
            "en" => Ok(Lang::En),
            other => bail!("unknown language {other:?}: zh-CN or en"),
        }
    }

    fn format(&self) -> anyhow::Result<Format> {
        Format::parse(&self.format).with_context(|| format!("unknown format {:?}: docx, xlsx or html", self.format))
    }

    fn write(&self, doc: &crate::documents::model::Document) -> anyhow::Result<()> {
        let bytes = crate::documents::write(doc, self.format()?, self.lang()?).map_err(anyhow::Error::msg)?;
        std::fs::write(&self.output, bytes).with_context(|| format!("cannot write {}", self.output.display()))?;
        println!("{} written to {}", doc.title, self.output.display());
        Ok(())
    }
}

pub async fn run(store: Arc<dyn Store>, cmd: ReportCommand) -> anyhow::Result<()> {
    let (kind, args) = match cmd {
        ReportCommand::Briefing(a) => (Kind::Briefing, a),
        ReportCommand::Upward(a) => (Kind::Upward, a),
        ReportCommand::Minutes { meeting: Some(id), out, .. } => {
            let lang = out.lang()?;
            let record = crate::supervision::meetings::minutes_of(store.as_ref(), id, lang)
                .await
                .map_err(|e| anyhow::anyhow!(e.body(lang).message))?;
            return out.write(&minutes::document(&record.into(), lang));
        }
        ReportCommand::Minutes { from_json, out, .. } => {
            let from_json = from_json.context("--meeting or --from-json")?;
            let text =
                std::fs::read_to_string(&from_json).with_context(|| format!("cannot read {}", from_json.display()))?;
            let record: minutes::MeetingRecord = serde_json::from_str(&text)
                .with_context(|| format!("{} is not a meeting record", from_json.display()))?;
            return out.write(&minutes::document(&record, out.lang()?));
        }
    };
    let lang = args.out.lang()?;
    let today = crate::http::today();
    let mut pairs: Vec<(String, String)> = args.key_works.iter().map(|k| ("key_work".into(), k.clone())).collect();
    pairs.extend(args.period.iter().map(|p| ("period".to_string(), p.clone())));
    let key_works = store.list_key_works().await?;
    let choice = choice::parse(&pairs, &key_works, today).map_err(|e| anyhow::anyhow!(e.messages(lang).join("; ")))?;
    let state = crate::http::AppState::new(store);
    let facts = gather::gather(&state, &choice, today).await.map_err(|e| anyhow::anyhow!(e.body(lang).message))?;
    args.out.write(&kind.document(&facts, lang))
}
