// The log's verification page (templates/audit_verify.html), and it works without this script: its "Check
// progress" button reloads it. With it, while a verification runs, the page fetches itself every two
// seconds and swaps in the new count; when the verification ends, it swaps in the result and says so in
// its status line (a polite live region): nothing is read out while it runs.
const region = document.getElementById("verification");
const status = document.getElementById("verification-status");
if (region && region.dataset.running && status) {
  const poll = async () => {
    const answer = await fetch(window.location.pathname, { credentials: "same-origin" });
    if (!answer.ok) {
      status.textContent = "The progress could not be read: reload the page to see it.";
      return;
    }
    const fresh = new DOMParser().parseFromString(await answer.text(), "text/html");
    const replacement = fresh.getElementById("verification");
    if (!replacement) return;
    region.replaceChildren(...replacement.childNodes);
    if (replacement.dataset.running) {
      window.setTimeout(poll, 2000);
    } else {
      delete region.dataset.running;
      status.textContent = "The verification has ended: its result is shown.";
    }
  };
  window.setTimeout(poll, 2000);
}
