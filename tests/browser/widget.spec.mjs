// End-to-end test of the chat widget on the shop's demo page, in a real headless Chromium (Debian's `chromium`)
// driven by playwright-core (installed by `npm ci` in web/; Playwright's own browser download is not used).
//
//   BASE_URL=http://127.0.0.1:5005 RASA_AUTH_TOKEN=... node tests/browser/widget.spec.mjs
//
// Environment: BASE_URL (the Rasa server; the page is BASE_URL/demo/), RASA_AUTH_TOKEN (HTTP API token, to read
// the tracker), ARTIFACTS [test-artifacts] (screenshots, console log), DOCS_SCREENSHOT (optional: also save the
// README's screenshot there, and the privacy notice's as consent.png next to it), CHROMIUM [/usr/bin/chromium].
// tests/test_widget_browser.py runs it against the assistant served by scripts/run.sh.
//
// Consent first (issue 6): before "Akkoord" in the privacy notice the page must not touch the server's socket at
// all (every request to /socket.io/ and every WebSocket is counted) and must store nothing; "Liever niet" keeps it
// that way. After "Akkoord" the chat works as before, and the conversation code the page shows is the sender id
// of the conversation in the server's tracker store.

import assert from "node:assert/strict";
import crypto from "node:crypto";
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
const DOCS_CONSENT_SCREENSHOT = DOCS_SCREENSHOT ? path.join(path.dirname(DOCS_SCREENSHOT), "consent.png") : null;
const QUESTION = "hoe lang duurt rugpijn meestal?";
const TIMEOUT = 60_000;

const BOT_TEXTS = ".rw-messages-container .rw-message .rw-response .rw-message-text";
const USER_TEXTS = ".rw-messages-container .rw-message .rw-client .rw-message-text";
const LAST_REPLIES = ".rw-messages-container .rw-replies";
const CONSENT_LAUNCHER = "#chat-consent-launcher";
const NOTICE = "#chat-consent";
const LAUNCHER_NAME = "Chat met de rugpijn-assistent openen";

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

async function storage(page) {
  return page.evaluate(() => ({
    session: Object.keys(sessionStorage), local: Object.keys(localStorage),
    chatSession: sessionStorage.getItem("chat_session") }));
}

async function activeId(page) {
  return page.evaluate(() => (document.activeElement && document.activeElement.id) || "");
}

async function tabTo(page, id, limit) {
  // Press Tab until the element with this id has the focus.
  let focused = await activeId(page);
  for (let i = 0; i < limit && focused !== id; i++) {
    await page.keyboard.press("Tab");
    focused = await activeId(page);
  }
  assert.equal(focused, id, `Tab never reached #${id}`);
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
  const socketRequests = []; // every request to the socket.io endpoint, and every WebSocket the page opens
  // Offline: anything not served by the assistant itself is refused and counted.
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (/^[a-z]+:\/\/[^/]+\/socket\.io\//i.test(url)) socketRequests.push(url);
    if (url.startsWith(BASE_URL) || url.startsWith("data:")) return route.continue();
    foreignRequests.push(url);
    return route.abort();
  });
  const page = context.pages()[0] || (await context.newPage());
  page.on("console", (message) => consoleLog.push(`${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("websocket", (socket) => socketRequests.push(socket.url()));
  page.setDefaultTimeout(TIMEOUT);

  try {
    step(`open ${BASE_URL}/demo/`);
    await page.goto(`${BASE_URL}/demo/`);
    assert.equal(await page.getAttribute("html", "lang"), "nl");
    assert.match(await page.textContent("h1"), /Vaarwel lage rugpijn/);
    assert.equal(await page.getAttribute("#chat-live", "aria-live"), "polite");

    step("before consent: the page's chat button, no widget, no connection, nothing stored");
    await page.waitForSelector(CONSENT_LAUNCHER, { state: "visible" });
    await page.waitForLoadState("load");
    await page.waitForTimeout(1500); // time enough for a widget to connect, if one were started
    assert.equal(await page.$(".rw-launcher"), null, "the widget is not started before consent");
    assert.equal(await page.isHidden(NOTICE), true, "the notice is closed until the chat button is used");
    assert.equal(await page.isHidden("#chat-privacy"), true, "no conversation code before consent");
    assert.deepEqual(socketRequests, [], "no socket.io request before consent");
    assert.deepEqual(await storage(page), { session: [], local: [], chatSession: null },
      "nothing is stored before consent");

    step("the privacy notice: a dialog with the focus in it");
    await page.click(CONSENT_LAUNCHER);
    await page.waitForSelector(NOTICE, { state: "visible" });
    assert.equal(await page.getAttribute(NOTICE, "role"), "dialog");
    assert.equal(await page.getAttribute(CONSENT_LAUNCHER, "aria-expanded"), "true");
    const titleId = await page.getAttribute(NOTICE, "aria-labelledby");
    assert.equal((await page.textContent(`#${titleId}`)).trim(), "Voordat je begint");
    assert.ok(await page.evaluate((selector) => document.querySelector(selector).contains(document.activeElement),
      NOTICE), "the focus moves into the notice");
    const notice = (await page.textContent(NOTICE)).replace(/\s+/g, " ");
    for (const part of ["computerprogramma van Anodyne, geen arts", "willekeurige gesprekscode",
      "Je naam, e-mailadres of IP-adres slaan we daarbij niet op", "gezondheidsgegevens",
      "We bewaren het gesprek 30 dagen na je laatste bericht", "niet voor reclame",
      "Vraag het de klantenservice van de webshop", "contactgegevens van de klantenservice nog niet ingevuld",
      "Privacy en je gesprekscode",
      "toestemming altijd intrekken", "bel 112"]) {
      assert.ok(notice.includes(part), `the notice says ${JSON.stringify(part)}: ${notice}`);
    }
    assert.deepEqual(await page.$$eval(`${NOTICE} button`, (nodes) => nodes.map((node) => node.textContent.trim())),
      ["Akkoord, start het gesprek", "Liever niet"]);
    await page.screenshot({ path: path.join(ARTIFACTS, "consent.png") });
    step(`screenshot: ${path.join(ARTIFACTS, "consent.png")}`);
    if (DOCS_CONSENT_SCREENSHOT) {
      fs.mkdirSync(path.dirname(DOCS_CONSENT_SCREENSHOT), { recursive: true });
      await page.screenshot({ path: DOCS_CONSENT_SCREENSHOT });
      step(`README screenshot: ${DOCS_CONSENT_SCREENSHOT}`);
    }

    step("\"Liever niet\": the notice closes, the article stays, still no connection");
    await page.click("#consent-decline");
    await page.waitForSelector(NOTICE, { state: "hidden" });
    assert.equal(await activeId(page), "chat-consent-launcher", "the focus goes back to the chat button");
    assert.equal(await page.getAttribute(CONSENT_LAUNCHER, "aria-expanded"), "false");
    assert.ok(await page.isVisible("h1"), "the article is still there");
    step("Escape closes the notice too");
    await page.keyboard.press("Enter");
    await page.waitForSelector(NOTICE, { state: "visible" });
    await page.keyboard.press("Escape");
    await page.waitForSelector(NOTICE, { state: "hidden" });
    assert.equal(await activeId(page), "chat-consent-launcher");
    await page.waitForTimeout(1500);
    assert.equal(await page.$(".rw-launcher"), null, "no widget without consent");
    assert.deepEqual(socketRequests, [], "no socket.io request without consent");
    assert.deepEqual(await storage(page), { session: [], local: [], chatSession: null },
      "nothing is stored without consent");

    step("reload: without consent the notice is asked again, still nothing sent or stored");
    await page.reload();
    await page.waitForSelector(CONSENT_LAUNCHER, { state: "visible" });
    await page.waitForLoadState("load");
    await page.waitForTimeout(1000);
    assert.equal(await page.$(".rw-launcher"), null);
    assert.deepEqual(socketRequests, [], "no socket.io request after a reload without consent");

    step("keyboard: Tab to the chat button, Enter, Tab to \"Akkoord\", Enter");
    await tabTo(page, "chat-consent-launcher", 25);
    assert.equal(await page.getAttribute(CONSENT_LAUNCHER, "aria-label"), LAUNCHER_NAME);
    await page.keyboard.press("Enter");
    await page.waitForSelector(NOTICE, { state: "visible" });
    assert.equal(await activeId(page), titleId, "the focus is on the notice's title");
    await tabTo(page, "consent-accept", 5);
    assert.deepEqual(socketRequests, [], "no socket.io request before \"Akkoord\"");
    await page.keyboard.press("Enter");
    await page.waitForSelector(".rw-conversation-container");
    assert.equal(await page.isHidden(NOTICE), true, "the notice closes after \"Akkoord\"");
    assert.equal(await page.isHidden(CONSENT_LAUNCHER), true, "the widget's launcher takes the page's place");
    assert.equal(await page.getAttribute(".rw-launcher", "aria-label"), "Chat met de rugpijn-assistent sluiten");
    assert.equal(await page.getAttribute(".rw-launcher", "aria-expanded"), "true");
    assert.equal(await page.textContent(".rw-title"), "Rugpijn-assistent");
    assert.equal(await page.getAttribute(".rw-new-message", "placeholder"), "Typ je vraag over rugpijn…");
    assert.equal(await page.evaluate(() => sessionStorage.getItem("chat_consent")), "1",
      "the consent is remembered for this tab");
    assert.deepEqual((await storage(page)).local, [], "nothing may be kept in localStorage");

    step("the introduction shows when the widget opens (initPayload /greet)");
    let bot = await waitForBotMessages(page, 1);
    assert.match(bot[0], /geen arts/, "the first message is the introduction");
    assert.ok(socketRequests.length > 0, "the widget connected after consent");
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
    assert.match(sessionId, /^[0-9a-f]{32}-[0-9a-f]{32}$/, "the server-signed session id is in sessionStorage");
    // The code the visitor sees is the conversation id: a one-way hash of the session id (channels/sessions.py).
    const expectedCode = crypto.createHash("sha256").update(`rugpijn-gesprek:${sessionId}`).digest("hex").slice(0, 32);

    step("the page shows the conversation code under \"Privacy en je gesprekscode\"");
    await page.waitForSelector("#chat-privacy", { state: "visible" });
    assert.equal((await page.textContent("#chat-privacy summary")).trim(), "Privacy en je gesprekscode");
    await page.click("#chat-privacy summary");
    await page.waitForSelector("#chat-code", { state: "visible" });
    const code = (await page.textContent("#chat-code")).trim();
    assert.equal(code, expectedCode, "the conversation code is the hash of the widget's session id");
    assert.ok(!sessionId.includes(code), "the code does not reveal the session id");
    assert.match(await page.textContent("#chat-privacy"), /contactgegevens van de klantenservice nog niet ingevuld/);
    assert.doesNotMatch(await page.content(), /voorbeeld-webshop|voorbeeldadres|\.invalid\b/, "no placeholder address on the page");
    assert.deepEqual((await storage(page)).local, [], "nothing may be kept in localStorage");
    const userBefore = await texts(page, USER_TEXTS);
    const botBefore = await texts(page, BOT_TEXTS);
    step("reload: the conversation is still there");
    const socketsBeforeReload = socketRequests.length;
    await page.reload();
    await page.waitForSelector(".rw-launcher");
    assert.equal(await page.isHidden(NOTICE), true, "the consent of this tab holds after a reload");
    assert.equal(await page.isHidden(CONSENT_LAUNCHER), true);
    assert.ok(socketRequests.length > socketsBeforeReload, "the widget connects again after the reload");
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
    await page.waitForFunction((expected) => (document.getElementById("chat-code").textContent || "").trim() === expected,
      expectedCode);
    await page.screenshot({ path: path.join(ARTIFACTS, "widget.png") });
    step(`screenshot: ${path.join(ARTIFACTS, "widget.png")}`);

    step(`the server's tracker of conversation ${code}`);
    const conversation = await tracker(code);
    assert.equal(conversation.sender_id, code, "the code on the page is the conversation's sender id on the server");
    const events = conversation.events;
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
