/*
 * The assistant's chat widget on the shop page: rasa-webchat (webchat.js, from npm) with Dutch labels, and the
 * accessibility the widget lacks:
 * - new messages of the assistant are copied into the aria-live region #chat-live, so screen readers read them;
 * - the launcher, the input field and the send button get Dutch accessible names (the widget gives none);
 * - quick-reply buttons (divs with role="button") also react to Enter and Space, not only to a mouse click.
 * The conversation is kept in sessionStorage (params.storage "session"): it survives a reload, not the tab.
 */
(function () {
  "use strict";

  var STORAGE_KEY = "chat_session"; // rasa-webchat's key in sessionStorage
  var LIVE_REGION_KEEP = 5;

  function storedBotMessageCount() {
    try {
      var session = JSON.parse(window.sessionStorage.getItem(STORAGE_KEY) || "null");
      var conversation = (session && session.conversation) || [];
      return conversation.filter(function (message) { return message && message.sender === "response"; }).length;
    } catch (error) {
      return 0;
    }
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

  function start() {
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
    new MutationObserver(function () { enhance(); announce(); })
      .observe(document.body, { childList: true, subtree: true });
    enhance();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
