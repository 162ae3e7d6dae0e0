//! A model request, provider-neutral: the conversation as content blocks, the tools on offer,
//! the images and documents the blocks refer to. Every provider translates this one shape into
//! its own wire protocol; the engine assembles it from the store.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::content::{ContentBlock, Role};

/// One message of the conversation as a provider sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelMessage {
    pub role: Role,
    pub content: Vec<ContentBlock>,
}

/// A tool the model may call: its name, what it does, and a JSON schema of its input.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolSpec {
    pub name: String,
    pub description: String,
    pub input_schema: Value,
}

/// The bytes of an image block, base64-encoded, as every protocol sends them.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageData {
    pub mime: String,
    pub base64: String,
}

/// An attached document for a request: a PDF (its bytes, and its text for protocols that take
/// no documents) or a text file (its text).
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentData {
    pub mime: String,
    pub name: String,
    /// The PDF's bytes; None for text files.
    pub base64: Option<String>,
    pub text: String,
}

impl DocumentData {
    /// The document as text for the model: its name, then its text, fenced so the model can
    /// tell where the file ends.
    pub fn as_text(&self) -> String {
        let name = self.name.replace(['"', '\n', '\r'], "_");
        if self.base64.is_some() && self.text.trim().is_empty() {
            return format!("[the PDF {name:?} has no text that could be extracted]");
        }
        format!("<document name=\"{name}\">\n{}\n</document>", self.text.trim_end())
    }

    /// A data URL of the PDF, as OpenAI's protocols take inline files.
    pub fn data_url(&self) -> Option<String> {
        self.base64.as_ref().map(|b| format!("data:{};base64,{b}", self.mime))
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ModelRequest {
    /// The model's own name at the provider (without the `<account>/` prefix).
    pub model: String,
    pub system: Option<String>,
    pub messages: Vec<ModelMessage>,
    pub max_tokens: Option<u32>,
    pub tools: Vec<ToolSpec>,
    /// Tokens the model may think for (Anthropic's budget; a reasoning effort for OpenAI's
    /// models); None = no extended thinking.
    pub thinking_budget: Option<u32>,
    /// The images the messages' image blocks refer to, by attachment id (shared: a request is
    /// cloned for each retry).
    pub images: std::sync::Arc<std::collections::HashMap<String, ImageData>>,
    /// The documents the messages' file blocks refer to, by attachment id.
    pub documents: std::sync::Arc<std::collections::HashMap<String, DocumentData>>,
}

impl ModelRequest {
    /// The image an image block refers to, or None when its file is gone.
    pub fn image(&self, attachment_id: &str) -> Option<&ImageData> {
        self.images.get(attachment_id)
    }

    /// The document a file block refers to, or None when its file is gone.
    pub fn document(&self, attachment_id: &str) -> Option<&DocumentData> {
        self.documents.get(attachment_id)
    }

    /// A file block as text (for protocols, or parts of them, that take no documents).
    pub fn document_text(&self, attachment_id: &str) -> String {
        self.document(attachment_id)
            .map_or_else(|| MISSING_DOCUMENT.to_owned(), DocumentData::as_text)
    }
}

/// What replaces an image whose file is gone, so the model knows one was there.
pub const MISSING_IMAGE: &str = "[an image that is no longer available]";

/// What replaces a document whose file is gone.
pub const MISSING_DOCUMENT: &str = "[an attached file that is no longer available]";

// Which wire protocol an account's server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// api.anthropic.com (the Messages API).
    Anthropic,
    /// api.openai.com
    Openai,
    /// Any server speaking the OpenAI Chat Completions protocol (Ollama, LM Studio, vLLM, ...).
    OpenaiCompatible,
}

impl AccountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Anthropic => "anthropic",
            AccountKind::Openai => "openai",
            AccountKind::OpenaiCompatible => "openai_compatible",
        }
    }
}
