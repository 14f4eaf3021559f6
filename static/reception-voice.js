/* Reception kiosk: the voice. Finds, in the page, the words that have audio in the page's
   language (the word map /kiosk/voice/<lang>-<digest>.json, made by `ehcard voice build`),
   gives each answer tile a speaker button, makes the page's speaker button read the page in
   order (each part outlined while it is said) and, when staff turned "read each page aloud"
   on, reads it as the page opens. Words with no audio get no button: never a wrong voice.
   Nothing typed is ever read (inputs, the review's answers, the card code), and on the PIN
   page nothing with a digit. */
(function () {
  "use strict";

  var SKIP = "script, style, input, select, textarea, option, bdi, audio, .speak, .idle, " +
    ".card-code, .preview-values, [data-no-say], [aria-hidden='true']";
  var DIGIT = /\p{Nd}/u;

  function spokenText(element) {
    var parts = [];
    element.childNodes.forEach(function (node) {
      if (node.nodeType === Node.TEXT_NODE) {
        parts.push(node.textContent);
      } else if (node.nodeType === Node.ELEMENT_NODE && !node.matches(SKIP)) {
        parts.push(spokenText(node));
      }
    });
    return parts.join(" ").normalize("NFC").split(/\s+/).filter(Boolean).join(" ");
  }

  /* The outermost elements under `root` whose words have audio, in document order. */
  function findSaid(root, audio, noDigits) {
    var found = [];
    function walk(element) {
      Array.prototype.forEach.call(element.children, function (child) {
        if (child.matches(SKIP) || (noDigits && child.matches(".key"))) {
          return;
        }
        var text = spokenText(child);
        var file = text && Object.prototype.hasOwnProperty.call(audio, text) ? audio[text] : null;
        if (file && !(noDigits && DIGIT.test(text))) {
          child.setAttribute("data-said", file);
          found.push({ element: child, file: file });
        } else {
          walk(child);
        }
      });
    }
    walk(root);
    return found;
  }

  function speakerButton(label) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "speak";
    button.setAttribute("aria-label", label);
    var icon = document.createElement("span");
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = "🔊";
    button.appendChild(icon);
    return button;
  }

  function Speaker(player) {
    var queue = [];
    var current = null;
    function mark(item, on) {
      if (item && item.element) {
        item.element.classList.toggle("speaking", on);
      }
    }
    function next() {
      mark(current, false);
      current = queue.shift() || null;
      if (!current) {
        return;
      }
      mark(current, true);
      player.src = current.url;
      player.play().catch(function () {
        /* autoplay refused (no tap yet): the speaker buttons still work */
        mark(current, false);
        queue = [];
        current = null;
      });
    }
    player.addEventListener("ended", next);
    player.addEventListener("error", next);
    this.say = function (items) {
      player.pause();
      mark(current, false);
      current = null;
      queue = items.slice();
      next();
    };
  }

  function start(kiosk, speaker) {
    var listen = kiosk.getAttribute("data-listen");
    kiosk.querySelectorAll("[data-say]").forEach(function (source) {
      var button = speakerButton(listen + ": " + source.textContent.trim());
      button.addEventListener("click", function () {
        speaker.say([{ element: source, url: source.getAttribute("data-say") }]);
      });
      source.insertAdjacentElement("afterend", button);
    });
  }

  function page(kiosk, speaker, map) {
    var base = kiosk.getAttribute("data-voice-base");
    var listen = kiosk.getAttribute("data-listen");
    var section = kiosk.querySelector("section.page");
    var noDigits = Boolean(kiosk.querySelector("[data-say-no-digits]"));
    var items = findSaid(section, map.audio, noDigits).map(function (item) {
      return { element: item.element, url: base + item.file };
    });
    var reading = items.filter(function (item) {
      return !item.element.matches(".tile");
    });
    function shown() {
      return reading.filter(function (item) {
        return !item.element.closest(".hidden");
      });
    }
    items.forEach(function (item) {
      if (!item.element.matches(".tile")) {
        return;
      }
      var button = speakerButton(listen);
      button.addEventListener("click", function (event) {
        event.preventDefault();  // a tap on the speaker does not tick the tile
        speaker.say([item]);
      });
      item.element.appendChild(button);
    });
    // The page's speaker ends with the navigation bar (Back, Start over, Cancel); reading a
    // page as it opens leaves it out: it is the same on every page.
    var nav = kiosk.querySelector(".kiosk-nav");
    var navigation = nav ? findSaid(nav, map.audio, noDigits).map(function (item) {
      return { element: item.element, url: base + item.file };
    }) : [];
    var pageButton = kiosk.querySelector(".speak-page");
    if (pageButton && reading.length) {
      pageButton.classList.remove("hidden");
      pageButton.addEventListener("click", function () {
        speaker.say(shown().concat(navigation));
      });
    }
    if (kiosk.getAttribute("data-read-aloud") === "on") {
      speaker.say(shown());
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var kiosk = document.querySelector("[data-voice-map]");
    var player = document.getElementById("kiosk-voice");
    if (!kiosk || !player) {
      return;
    }
    var speaker = new Speaker(player);
    start(kiosk, speaker);
    var mapUrl = kiosk.getAttribute("data-voice-map");
    if (!mapUrl) {
      return;
    }
    fetch(mapUrl, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) {
        throw new Error("no voice map");
      }
      return response.json();
    }).then(function (map) {
      page(kiosk, speaker, map);
    }).catch(function () { /* no voice: the page works as before, silently */ });
  });
}());
