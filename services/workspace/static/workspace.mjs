// The workspace's only script, and every page works without it. It does what the GOV.UK template's inline
// line would (mark the body as able to run GOV.UK Frontend's JavaScript), so the Content-Security-Policy
// needs no inline script, then starts GOV.UK Frontend's components (error summary focus, buttons,
// service navigation on small screens).
import { initAll } from "./govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
