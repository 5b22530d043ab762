// Pasting a pairing code fills the add-kiosk form at once (the server decodes it, as the
// "Điền" button does without JavaScript).
(function () {
  var box = document.getElementById("pairing_code");
  if (!box) { return; }
  box.addEventListener("paste", function () {
    setTimeout(function () {
      if (box.value.trim().toLowerCase().indexOf("hl1-") !== 0) { return; }
      var fill = box.form.querySelector('button[value="fill"]');
      if (box.form.requestSubmit) { box.form.requestSubmit(fill); } else { fill.click(); }
    }, 0);
  });
})();
