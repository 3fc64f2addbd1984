// Sharing a story: "Link kopieren" and, on phones, the device's own share sheet. Without JavaScript the
// plain share links stay; nothing here talks to any server.
(function () {
  "use strict";
  var box = document.querySelector("[data-ksg-share]");
  if (!box) return;
  var url = box.getAttribute("data-url");
  var title = box.getAttribute("data-title");
  var status = box.querySelector(".ksg-share__status");
  var copy = box.querySelector("[data-ksg-copy]");
  var native = box.querySelector("[data-ksg-native]");
  var say = function (text) { status.textContent = text; };
  if (navigator.clipboard && window.isSecureContext) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(url).then(
        function () { say("Link kopiert."); },
        function () { say("Kopieren ging nicht. Die Adresse steht unten zum Markieren."); });
    });
  }
  if (navigator.share) {
    native.hidden = false;
    native.addEventListener("click", function () {
      navigator.share({ title: title, url: url }).catch(function () {});
    });
  }
  box.hidden = copy.hidden && native.hidden;
})();
