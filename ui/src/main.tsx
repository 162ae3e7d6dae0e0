import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { tauriApi } from "./api";
import { App } from "./App";
import "./styles/theme.css";
import "./styles/app.css";
import "./styles/sidebar.css";
import "./styles/chat.css";
import "./styles/markdown.css";
import "./styles/toast.css";
import "./styles/settings.css";
import "./styles/onboarding.css";
import "./styles/attachments.css";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

// Outside the Hearth app (a plain browser) every call fails with a clear message, which the
// error toast shows: there is no stand-in backend.
createRoot(root).render(
  <StrictMode>
    <App api={tauriApi} />
  </StrictMode>,
);
