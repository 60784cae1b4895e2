/*
 * The assistant's chat widget on the shop page: rasa-webchat (webchat.js, from npm) with Dutch labels, and the
 * accessibility the widget lacks:
 * - new messages of the assistant are copied into the aria-live region #chat-live, so screen readers read them;
 * - the launcher, the input field and the send button get Dutch accessible names (the widget gives none);
 * - quick-reply buttons (divs with role="button") also react to Enter and Space, not only to a mouse click.
 * The conversation is kept in sessionStorage (params.storage "session"): it survives a reload, not the tab.
 *
 * Consent first (privacy notice, issue 6): until the visitor clicks "Akkoord" in the notice #chat-consent, the
 * widget is not started at all, so nothing connects to the server and nothing is stored. A button of the page
 * (#chat-consent-launcher) stands in for the widget's launcher and opens the notice, a non-modal dialog: focus
 * moves to its title, Tab reaches "Akkoord" and "Liever niet", Escape or "Liever niet" closes it and gives the
 * focus back to the button. "Akkoord" is remembered for this tab only (sessionStorage CONSENT_KEY): a reload
 * starts the widget right away, as the conversation itself survives a reload. Once the chat has started, the
 * panel #chat-privacy shows the conversation code (a hash of the widget's session id = the sender id on the server),
 * which the visitor quotes to have the conversation sent or deleted.
 */
(function () {
  "use strict";

  var STORAGE_KEY = "chat_session"; // rasa-webchat's key in sessionStorage
  var CONSENT_KEY = "chat_consent"; // "1" once the visitor agreed to the privacy notice (this tab only)
  var LIVE_REGION_KEEP = 5;
  var OPEN_TIMEOUT_MS = 20000;

  function storedSession() {
    try {
      return JSON.parse(window.sessionStorage.getItem(STORAGE_KEY) || "null");
    } catch (error) {
      return null;
    }
  }

  function hasConsent() {
    try {
      return window.sessionStorage.getItem(CONSENT_KEY) === "1";
    } catch (error) {
      return false;
    }
  }

  function storedBotMessageCount() {
    var session = storedSession();
    var conversation = (session && Array.isArray(session.conversation)) ? session.conversation : [];
    return conversation.filter(function (message) { return message && message.sender === "response"; }).length;
  }

  // The conversation code in the page's privacy panel, once the widget has its session id. The code is the
  // conversation id on the server: a one-way hash of the session id (channels/sessions.py, the same prefix), so
  // the code a visitor quotes cannot be used to join the live chat. crypto.subtle exists on https and localhost.
  var CONVERSATION_PREFIX = "rugpijn-gesprek:";
  var CODE_LENGTH = 32;
  var codeFor = { id: "", code: "" };

  function conversationCode(id) {
    if (!window.crypto || !window.crypto.subtle || !window.TextEncoder) return Promise.resolve("");
    var bytes = new TextEncoder().encode(CONVERSATION_PREFIX + id);
    return window.crypto.subtle.digest("SHA-256", bytes).then(function (digest) {
      return Array.prototype.map.call(new Uint8Array(digest), function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("").slice(0, CODE_LENGTH);
    });
  }

  function showConversationCode() {
    var panel = document.getElementById("chat-privacy");
    var code = document.getElementById("chat-code");
    var session = storedSession();
    var id = session && typeof session.session_id === "string" ? session.session_id : "";
    if (!panel || !code || !id) return;
    if (codeFor.id === id) {
      if (codeFor.code && code.textContent !== codeFor.code) code.textContent = codeFor.code;
      if (codeFor.code && panel.hidden) panel.hidden = false;
      return;
    }
    codeFor = { id: id, code: "" };
    conversationCode(id).then(function (value) {
      if (codeFor.id !== id || !value) return;
      codeFor.code = value;
      code.textContent = value;
      panel.hidden = false;
    });
  }

  // Messages restored from sessionStorage after a reload were heard before: announce only newer ones.
  var announced = storedBotMessageCount();

  function announce() {
    var live = document.getElementById("chat-live");
    if (!live) return;
    var texts = document.querySelectorAll(".rw-messages-container .rw-message .rw-response .rw-message-text");
    for (var i = announced; i < texts.length; i++) {
      var text = (texts[i].textContent || "").trim();
      if (!text) continue;
      var message = texts[i].closest(".rw-message");
      var next = message && message.nextElementSibling;
      var replies = next && next.classList.contains("rw-replies") ? next.querySelectorAll(".rw-reply") : [];
      var choices = Array.prototype.map.call(replies, function (reply) { return reply.textContent.trim(); });
      var item = document.createElement("p");
      item.textContent = "Assistent: " + text + (choices.length ? " Keuzes: " + choices.join("; ") + "." : "");
      live.appendChild(item);
      while (live.children.length > LIVE_REGION_KEEP) live.removeChild(live.firstChild);
    }
    if (texts.length > announced) announced = texts.length;
  }

  function label(selector, name) {
    var elements = document.querySelectorAll(selector);
    for (var i = 0; i < elements.length; i++) {
      if (elements[i].getAttribute("aria-label") !== name) elements[i].setAttribute("aria-label", name);
    }
  }

  function enhance() {
    var open = !!document.querySelector(".rw-conversation-container");
    label(".rw-launcher", open ? "Chat met de rugpijn-assistent sluiten" : "Chat met de rugpijn-assistent openen");
    var launchers = document.querySelectorAll(".rw-launcher");
    for (var i = 0; i < launchers.length; i++) launchers[i].setAttribute("aria-expanded", open ? "true" : "false");
    label(".rw-new-message", "Je bericht aan de assistent");
    label(".rw-send", "Versturen");
    label(".rw-close-button", "Chat sluiten");
    label(".rw-messages-container", "Gesprek met de assistent");
    var conversation = document.querySelector(".rw-messages-container");
    if (conversation && !conversation.hasAttribute("role")) conversation.setAttribute("role", "region");
    var replies = document.querySelectorAll(".rw-reply:not(a)");
    for (var j = 0; j < replies.length; j++) {
      if (!replies[j].hasAttribute("tabindex")) replies[j].setAttribute("tabindex", "0");
      if (!replies[j].hasAttribute("role")) replies[j].setAttribute("role", "button");
    }
  }

  // Enter or Space on a quick-reply button chooses it, as a click does.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (!(target instanceof Element) || !target.matches(".rw-reply[role='button']")) return;
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      target.click();
    }
  });

  // Open the widget once it is shown (rasa-webchat hides it until the server confirmed the session), then put
  // the focus in its input field: the visitor asked for the chat by clicking "Akkoord".
  function openWidgetWhenReady() {
    var started = Date.now();
    var clicked = false;
    var timer = window.setInterval(function () {
      if (Date.now() - started > OPEN_TIMEOUT_MS) {
        window.clearInterval(timer);
        return;
      }
      if (document.querySelector(".rw-conversation-container")) {
        var input = document.querySelector(".rw-new-message");
        if (input && document.activeElement !== input) input.focus();
        if (input && document.activeElement === input) window.clearInterval(timer);
        return;
      }
      var launcher = document.querySelector(".rw-launcher");
      if (!clicked && launcher && launcher.offsetParent !== null) {
        clicked = true;
        launcher.click();
      }
    }, 100);
  }

  function startWidget(openNow) {
    if (!window.WebChat || !window.WebChat.default) {
      document.getElementById("chat-live").textContent = "De chat kon niet worden geladen.";
      return;
    }
    window.WebChat.default({
      socketUrl: window.location.origin,
      socketPath: "/socket.io/",
      initPayload: "/greet",
      title: "Rugpijn-assistent",
      subtitle: "Algemene informatie, geen arts",
      inputTextFieldHint: "Typ je vraag over rugpijn…",
      connectingText: "Verbinding maken…",
      hideWhenNotConnected: false,
      showFullScreenButton: false,
      mainColor: "#1b5e7a",
      userBackgroundColor: "#1b5e7a",
      userTextColor: "#ffffff",
      customMessageDelay: function (message) { return Math.min(900, 200 + 2 * (message || "").length); },
      params: { storage: "session" }
    }, null);
    new MutationObserver(function () { enhance(); announce(); showConversationCode(); })
      .observe(document.body, { childList: true, subtree: true });
    enhance();
    showConversationCode();
    if (openNow) openWidgetWhenReady();
  }

  // Before consent: the page's own chat button opens the privacy notice; the widget does not exist yet.
  function askConsent() {
    var launcher = document.getElementById("chat-consent-launcher");
    var notice = document.getElementById("chat-consent");
    var title = document.getElementById("consent-title");
    var accept = document.getElementById("consent-accept");
    var decline = document.getElementById("consent-decline");
    if (!launcher || !notice || !title || !accept || !decline) return;

    function openNotice() {
      notice.hidden = false;
      launcher.setAttribute("aria-expanded", "true");
      launcher.setAttribute("aria-label", "Privacymelding van de chat sluiten");
      title.focus();
    }

    function closeNotice() {
      notice.hidden = true;
      launcher.setAttribute("aria-expanded", "false");
      launcher.setAttribute("aria-label", "Chat met de rugpijn-assistent openen");
      launcher.focus();
    }

    launcher.addEventListener("click", function () {
      if (notice.hidden) openNotice();
      else closeNotice();
    });
    decline.addEventListener("click", closeNotice);
    notice.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        closeNotice();
      }
    });
    accept.addEventListener("click", function () {
      try {
        window.sessionStorage.setItem(CONSENT_KEY, "1");
      } catch (error) {
        // No sessionStorage: the consent holds for this page view only.
      }
      notice.hidden = true;
      launcher.hidden = true;
      startWidget(true);
    });
    launcher.hidden = false;
  }

  function start() {
    if (hasConsent()) startWidget(false);
    else askConsent();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
