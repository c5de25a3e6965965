// The workspace's only script, and every page works without it. It does what the GOV.UK template's inline
// line would (mark the body as able to run GOV.UK Frontend's JavaScript), so the Content-Security-Policy
// needs no inline script, then starts GOV.UK Frontend's components (error summary focus, buttons,
// service navigation on small screens), and keeps the lines of enquiry live (live.py).
import { initAll } from "./govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// A page with lines of enquiry listens for another inspectorate's changes. On each, it fetches itself again
// (as its user: the service decides what they see) and swaps in its live regions, leaving any form and
// what was typed in it as they are; the status line, a polite live region, says what changed.
const status = document.querySelector("[data-live]");
if (status && "EventSource" in window) {
  const said = (words) => {
    status.textContent = words;
  };
  const refresh = async (words) => {
    const answer = await fetch(window.location.pathname, { credentials: "same-origin" });
    if (!answer.ok) {
      said("The lines of enquiry have changed: refresh the page to see them.");
      return;
    }
    const fresh = new DOMParser().parseFromString(await answer.text(), "text/html");
    for (const region of document.querySelectorAll("[data-live-region]")) {
      const replacement = fresh.getElementById(region.id);
      if (replacement) region.replaceWith(replacement);
    }
    const time = new Date().toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
    said(`Updated at ${time}: ${words}`);
  };
  const source = new EventSource(status.dataset.live);
  source.addEventListener("open", () => {
    said("This page shows lines of enquiry and answers as the other inspectorates make them.");
  });
  source.addEventListener("line", (event) => {
    refresh(JSON.parse(event.data).words);
  });
  source.addEventListener("error", () => {
    said("Live updates have stopped for now: refresh the page to see the latest lines of enquiry.");
  });
}
