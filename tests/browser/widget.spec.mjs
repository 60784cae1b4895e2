// End-to-end test of the chat widget on the shop's demo page, in a real headless Chromium (Debian's `chromium`)
// driven by playwright-core (installed by `npm ci` in web/; Playwright's own browser download is not used).
//
//   BASE_URL=http://127.0.0.1:5005 RASA_AUTH_TOKEN=... node tests/browser/widget.spec.mjs
//
// Environment: BASE_URL (the Rasa server; the page is BASE_URL/demo/), RASA_AUTH_TOKEN (HTTP API token, to read
// the tracker), ARTIFACTS [test-artifacts] (screenshots, console log), DOCS_SCREENSHOT (optional: also save the
// README's screenshot there), CHROMIUM [/usr/bin/chromium].
// tests/test_widget_browser.py runs it against the assistant served by scripts/run.sh.

import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(path.join(ROOT, "web", "package.json"));
const { chromium } = require("playwright-core");

const BASE_URL = (process.env.BASE_URL || "http://127.0.0.1:5005").replace(/\/$/, "");
const TOKEN = process.env.RASA_AUTH_TOKEN || "";
const ARTIFACTS = path.resolve(ROOT, process.env.ARTIFACTS || "test-artifacts");
const DOCS_SCREENSHOT = process.env.DOCS_SCREENSHOT ? path.resolve(ROOT, process.env.DOCS_SCREENSHOT) : null;
const QUESTION = "hoe lang duurt rugpijn meestal?";
const TIMEOUT = 60_000;

const BOT_TEXTS = ".rw-messages-container .rw-message .rw-response .rw-message-text";
const USER_TEXTS = ".rw-messages-container .rw-message .rw-client .rw-message-text";
const LAST_REPLIES = ".rw-messages-container .rw-replies";

function step(message) {
  console.log(`[widget] ${message}`);
}

async function texts(page, selector) {
  return page.$$eval(selector, (nodes) => nodes.map((node) => node.textContent.trim()));
}

async function waitForBotMessages(page, count) {
  // At least `count` messages of the assistant, and no new one for 2 s (Rasa's socket.io channel sends an answer
  // paragraph by paragraph; the widget shows them one after the other).
  await page.waitForFunction(([selector, n]) => document.querySelectorAll(selector).length >= n,
    [BOT_TEXTS, count], { timeout: TIMEOUT });
  let seen = -1;
  let current = await page.$$eval(BOT_TEXTS, (nodes) => nodes.length);
  while (current !== seen) {
    seen = current;
    await page.waitForTimeout(2000);
    current = await page.$$eval(BOT_TEXTS, (nodes) => nodes.length);
  }
  return texts(page, BOT_TEXTS);
}

async function tracker(sessionId) {
  const url = `${BASE_URL}/conversations/${encodeURIComponent(sessionId)}/tracker?token=${encodeURIComponent(TOKEN)}`;
  const response = await fetch(url);
  assert.equal(response.status, 200, `GET tracker: HTTP ${response.status}`);
  return response.json();
}

function answeredBy(events, userText) {
  // Names (metadata.utter_action) of the bot messages after the last user message with this text.
  const index = events.map((e) => e.event === "user" && e.text === userText).lastIndexOf(true);
  assert.ok(index >= 0, `the tracker has no user message ${JSON.stringify(userText)}`);
  const names = [];
  for (const event of events.slice(index + 1)) {
    if (event.event === "user") break;
    if (event.event === "bot") names.push((event.metadata || {}).utter_action || "");
  }
  return { user: events[index], names };
}

async function main() {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "widget-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
    viewport: { width: 1280, height: 800 },
    locale: "nl-NL",
  });
  const consoleLog = [];
  const pageErrors = [];
  const foreignRequests = [];
  // Offline: anything not served by the assistant itself is refused and counted.
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(BASE_URL) || url.startsWith("data:")) return route.continue();
    foreignRequests.push(url);
    return route.abort();
  });
  const page = context.pages()[0] || (await context.newPage());
  page.on("console", (message) => consoleLog.push(`${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.setDefaultTimeout(TIMEOUT);

  try {
    step(`open ${BASE_URL}/demo/`);
    await page.goto(`${BASE_URL}/demo/`);
    assert.equal(await page.getAttribute("html", "lang"), "nl");
    assert.match(await page.textContent("h1"), /Vaarwel lage rugpijn/);
    assert.equal(await page.getAttribute("#chat-live", "aria-live"), "polite");
    await page.waitForSelector(".rw-launcher");
    const storageKinds = await page.evaluate(() => ({
      session: Object.keys(sessionStorage), local: Object.keys(localStorage) }));
    assert.deepEqual(storageKinds.local, [], "nothing may be kept in localStorage");

    step("keyboard: Tab to the launcher, Enter");
    let focused = "";
    for (let i = 0; i < 25 && !focused.includes("rw-launcher"); i++) {
      await page.keyboard.press("Tab");
      focused = await page.evaluate(() => document.activeElement && document.activeElement.className || "");
    }
    assert.ok(focused.includes("rw-launcher"), "Tab never reached the chat launcher");
    assert.equal(await page.getAttribute(".rw-launcher", "aria-label"), "Chat met de rugpijn-assistent openen");
    await page.keyboard.press("Enter");
    await page.waitForSelector(".rw-conversation-container");
    assert.equal(await page.getAttribute(".rw-launcher", "aria-expanded"), "true");
    assert.equal(await page.textContent(".rw-title"), "Rugpijn-assistent");
    assert.equal(await page.getAttribute(".rw-new-message", "placeholder"), "Typ je vraag over rugpijn…");

    step("the introduction shows when the widget opens (initPayload /greet)");
    let bot = await waitForBotMessages(page, 1);
    assert.match(bot[0], /geen arts/, "the first message is the introduction");
    assert.ok((await texts(page, `${LAST_REPLIES} .rw-reply`)).length >= 2, "the introduction has quick replies");

    step(`keyboard: type the question, Enter: ${QUESTION}`);
    const inputFocused = await page.evaluate(() => document.activeElement.classList.contains("rw-new-message"));
    if (!inputFocused) await page.focus(".rw-new-message");
    await page.keyboard.type(QUESTION);
    await page.keyboard.press("Enter");
    await page.waitForFunction(([selector, question]) =>
      Array.from(document.querySelectorAll(selector)).some((node) => node.textContent.trim() === question),
    [USER_TEXTS, QUESTION]);
    const beforeQuestion = bot.length;
    bot = await waitForBotMessages(page, beforeQuestion + 1);
    const answer = bot.slice(beforeQuestion).join("\n\n");
    assert.match(answer, /Bron:/, `the answer names its source: ${answer}`);
    step(`answer: ${answer.slice(0, 100)}…`);
    await page.waitForFunction(() => /Bron:/.test(document.getElementById("chat-live").textContent));
    step("the answer was copied into the aria-live region");

    if (DOCS_SCREENSHOT) {
      // The README's picture: the question, its answer with the source, and the related topics as buttons.
      await page.evaluate((question) => {
        const turns = Array.from(document.querySelectorAll(".rw-messages-container .rw-group-message"));
        const asked = turns.find((node) => node.textContent.trim() === question);
        if (asked) asked.scrollIntoView({ block: "start" });
      }, QUESTION);
      await page.waitForTimeout(300);
      fs.mkdirSync(path.dirname(DOCS_SCREENSHOT), { recursive: true });
      await page.screenshot({ path: DOCS_SCREENSHOT });
      step(`README screenshot: ${DOCS_SCREENSHOT}`);
    }

    step("click a quick-reply button");
    const replies = page.locator(`${LAST_REPLIES}`).last().locator(".rw-reply");
    const replyTitles = await replies.allTextContents();
    assert.ok(replyTitles.length >= 2, `the answer offers related topics as buttons: ${replyTitles}`);
    const chosenTitle = replyTitles[0].trim();
    const before = bot.length;
    await replies.first().click();
    bot = await waitForBotMessages(page, before + 1);
    const buttonAnswer = bot.slice(before).join("\n\n");
    assert.ok(buttonAnswer && buttonAnswer !== answer, "the button got its own answer");
    assert.ok((await texts(page, USER_TEXTS)).includes(chosenTitle), "the chosen button shows as the visitor's turn");
    step(`button "${chosenTitle}" answered: ${buttonAnswer.slice(0, 100)}…`);

    step("keyboard: Enter on a quick-reply button");
    const keyboardReplies = page.locator(`${LAST_REPLIES}`).last().locator(".rw-reply");
    const keyboardTitle = (await keyboardReplies.first().textContent()).trim();
    await keyboardReplies.first().focus();
    const beforeKeyboard = bot.length;
    await page.keyboard.press("Enter");
    bot = await waitForBotMessages(page, beforeKeyboard + 1);
    step(`button "${keyboardTitle}" chosen with the keyboard`);

    const sessionId = await page.evaluate(() => JSON.parse(sessionStorage.getItem("chat_session")).session_id);
    assert.match(sessionId, /^[0-9a-f]{32}$/, "the widget's session id is in sessionStorage");
    const userBefore = await texts(page, USER_TEXTS);
    const botBefore = await texts(page, BOT_TEXTS);
    step("reload: the conversation is still there");
    await page.reload();
    await page.waitForSelector(".rw-launcher");
    if (!(await page.$(".rw-conversation-container"))) await page.click(".rw-launcher");
    await page.waitForFunction(([selector, n]) => document.querySelectorAll(selector).length >= n,
      [BOT_TEXTS, botBefore.length]);
    await page.waitForTimeout(1500);
    assert.deepEqual(await texts(page, BOT_TEXTS), botBefore, "the assistant's messages after the reload");
    assert.deepEqual(await texts(page, USER_TEXTS), userBefore, "the visitor's messages after the reload");
    assert.equal(await page.evaluate(() => JSON.parse(sessionStorage.getItem("chat_session")).session_id),
      sessionId, "the same session after the reload");
    assert.equal(await page.$$eval("#chat-live p", (nodes) => nodes.length), 0,
      "restored messages are not announced again");
    await page.screenshot({ path: path.join(ARTIFACTS, "widget.png") });
    step(`screenshot: ${path.join(ARTIFACTS, "widget.png")}`);

    step(`the server's tracker of session ${sessionId}`);
    const events = (await tracker(sessionId)).events;
    const question = answeredBy(events, QUESTION);
    assert.equal(question.user.input_channel, "socketio");
    assert.ok(question.names.includes("utter_faq/recovery_time"),
      `the question was answered by ${question.names}, not utter_faq/recovery_time`);
    const userTexts = events.filter((e) => e.event === "user").map((e) => e.text);
    assert.equal(userTexts[0], "/greet", "the conversation starts with the initPayload");
    assert.equal(userTexts.length, 4, `user messages in the tracker: ${JSON.stringify(userTexts)}`);
    const chosen = answeredBy(events, userTexts[2]);
    const topic = userTexts[2].match(/^\/faq\/(\w+)$/);
    if (topic) assert.ok(chosen.names.includes(`utter_faq/${topic[1]}`), `button ${userTexts[2]}: ${chosen.names}`);
    else assert.ok(chosen.names.length > 0, `button ${userTexts[2]} got no answer`);
    const trackerBotTexts = events.filter((e) => e.event === "bot").map((e) => (e.text || "").trim());
    for (const text of botBefore) {
      assert.ok(trackerBotTexts.some((t) => t.includes(text.slice(0, 40))), `not in the tracker: ${text}`);
    }
    step(`tracker: ${userTexts.length} user messages, ${trackerBotTexts.length} bot messages, as in the widget`);

    assert.deepEqual(pageErrors, [], "JavaScript errors on the page");
    assert.deepEqual(foreignRequests, [], "requests that left the assistant's server");
    step("passed");
  } catch (error) {
    await page.screenshot({ path: path.join(ARTIFACTS, "widget-failure.png") }).catch(() => {});
    throw error;
  } finally {
    fs.writeFileSync(path.join(ARTIFACTS, "widget-console.log"), consoleLog.join("\n") + "\n");
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
