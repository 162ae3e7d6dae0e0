//! Attachments: files uploaded to a chat for its next message, and their bytes.

use hearth_engine::store::attachments::AttachmentInfo;

use super::declare::operations;
use super::schema::{BodyLimit, Bytes};

operations! {
    area: attachments, "Attachments";

    /// Uploads a file for the chat's next message; its type comes from its content, never
    /// from its name. Over IPC the body is the file's bytes, with headers `x-session-id` and
    /// `x-file-name` (percent-encoded); over HTTP one `file` field of a multipart form. The
    /// size limit is a setting (20 MB by default), checked while the file streams in.
    attachment_add {
        ipc_bytes -> AttachmentInfo;
        http POST "/v1/sessions/{id}/attachments"
            body multipart("file")
            limit(BodyLimit::Unchecked)
            => 201 json(AttachmentInfo);
        errors(
            SessionNotFound, AttachmentTooLarge, UnsupportedAttachment, InvalidInput,
        );
    }

    /// An attachment's bytes (over HTTP with its sniffed type; over IPC the type is on the
    /// message's block).
    attachment_get {
        ipc(attachment_id: String) -> Bytes;
        http GET "/v1/attachments/{id}" => 200 bytes;
        errors(AttachmentNotFound);
    }
}
