/* Searchable picker for long lists (countries, sectors, departments): each
   <select data-picker="single|multiple"> gets an ARIA 1.2 combobox (an input that filters a
   listbox as one types, ignoring case, accents, spaces and punctuation, so that "vietnam"
   finds "Viêt Nam" and "cote" finds "Côte d'Ivoire"). A multiple choice shows what is chosen
   as removable chips. The <select> stays in the form, hidden from view and from assistive
   technologies, and is what the form sends: without this script the page works as before,
   and the server validates the same values. The words come from the select's data-picker-*
   attributes (rendered in the page's language by reference.widgets). No inline style: the
   Content-Security-Policy allows none; the look is in css/picker.css. */
(function () {
  "use strict";

  var counter = 0;

  function fold(text) {
    // Lower case, without accents, spaces or punctuation: what matching compares.
    return text
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, " ")
      .trim();
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (match, name) {
      return name in values ? String(values[name]) : match;
    });
  }

  function Picker(select) {
    this.select = select;
    this.multiple = select.multiple;
    this.data = select.dataset;
    this.plural = new Intl.PluralRules(document.documentElement.lang || "fr");
    counter += 1;
    var base = (select.id || "picker-" + counter) + "-picker";
    this.build(base);
    this.bind();
    this.syncFromSelect();
  }

  Picker.prototype.build = function (base) {
    var select = this.select;
    var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;

    var wrapper = document.createElement("div");
    wrapper.className = "picker" + (this.multiple ? " picker-multiple" : "");

    var input = document.createElement("input");
    input.type = "text";
    input.id = base;
    input.className = "form-select picker-input";
    if (select.classList.contains("form-select-sm")) {
      input.classList.add("form-select-sm");
    }
    if (select.classList.contains("is-invalid")) {
      input.classList.add("is-invalid");
    }
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", base + "-listbox");
    input.setAttribute("autocomplete", "off");
    input.setAttribute("autocapitalize", "none");
    input.setAttribute("spellcheck", "false");
    ["aria-describedby", "aria-invalid"].forEach(function (name) {
      if (select.hasAttribute(name)) {
        input.setAttribute(name, select.getAttribute(name));
      }
    });
    if (select.required) {
      input.setAttribute("aria-required", "true");
      // Hidden, the select could not show the browser's own message: the server says it.
      select.required = false;
    }
    if (select.disabled) {
      input.disabled = true;
    }

    var listbox = document.createElement("ul");
    listbox.id = base + "-listbox";
    listbox.className = "picker-listbox";
    listbox.setAttribute("role", "listbox");
    listbox.hidden = true;
    if (this.multiple) {
      listbox.setAttribute("aria-multiselectable", "true");
    }

    var empty = document.createElement("div");
    empty.className = "picker-empty";
    empty.hidden = true;
    empty.textContent = this.data.pickerNoResults || "";

    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");

    if (label) {
      // The field's visible label now labels the combobox. Its listbox, a combobox's popup,
      // needs no name of its own (a screen reader reads the combobox's), and one would make
      // the label name two elements.
      label.htmlFor = input.id;
    } else if (select.getAttribute("aria-label")) {
      input.setAttribute("aria-label", select.getAttribute("aria-label"));
    }

    // The options, made once; filtering shows some of them in the listbox.
    this.options = [];
    var self = this;
    Array.prototype.forEach.call(select.options, function (option, index) {
      var text = option.textContent.trim();
      if (option.value === "") {
        self.emptyText = text;
        if (select.required || input.getAttribute("aria-required") === "true") {
          return; // "Choisissez un pays" is not a choice
        }
      }
      var item = document.createElement("li");
      item.id = base + "-option-" + index;
      item.className = "picker-option";
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.textContent = text;
      var group = option.parentElement.tagName === "OPTGROUP" ? option.parentElement.label : "";
      self.options.push({
        option: option,
        item: item,
        text: text,
        key: fold(text + " " + group),
      });
    });

    if (this.multiple) {
      var chips = document.createElement("ul");
      chips.className = "picker-chips";
      var name = "";
      if (label) {
        var copy = label.cloneNode(true);
        copy.querySelectorAll(".asteriskField").forEach(function (mark) {
          mark.remove();
        });
        name = copy.textContent.trim();
      }
      chips.setAttribute("aria-label", format(this.data.pickerChosen || "%(label)s", { label: name }));
      this.chips = chips;
      wrapper.appendChild(chips);
      input.placeholder = this.data.pickerSearch || "";
    } else if (this.emptyText) {
      input.placeholder = this.emptyText;
    }

    wrapper.appendChild(input);
    wrapper.appendChild(listbox);
    wrapper.appendChild(empty);
    wrapper.appendChild(status);

    // After the select, so that Bootstrap's `.is-invalid ~ .invalid-feedback` still shows
    // the error written after it.
    select.after(wrapper);
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    select.classList.add("picker-enhanced");
    // What only a plain select needs said ("Ctrl + click to choose several").
    var field = select.closest('[id^="div_"]') || select.parentElement;
    field.querySelectorAll(".picker-nojs").forEach(function (hint) {
      hint.remove();
    });

    this.wrapper = wrapper;
    this.input = input;
    this.listbox = listbox;
    this.empty = empty;
    this.status = status;
    this.shown = [];
    this.active = -1;
    this.typed = false;
  };

  Picker.prototype.bind = function () {
    var self = this;
    var input = this.input;
    input.addEventListener("input", function () {
      self.typed = true;
      self.filter(input.value);
      self.open();
      self.announceCount();
    });
    input.addEventListener("keydown", function (event) {
      self.onKey(event);
    });
    // A click or a tap opens the list (a click in it later only moves the caret).
    input.addEventListener("click", function () {
      if (self.isOpen()) {
        return;
      }
      if (self.typed && input.value) {
        self.filter(input.value);
        self.open();
      } else {
        self.openAll();
      }
    });
    input.addEventListener("focus", function () {
      if (!self.multiple) {
        input.select(); // typing replaces the shown choice
      }
    });
    input.addEventListener("blur", function () {
      self.commit();
      self.close();
    });
    // Pressing an option must not take the focus from the input (it would close the list).
    this.listbox.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    this.listbox.addEventListener("click", function (event) {
      var item = event.target.closest('[role="option"]');
      if (!item) {
        return;
      }
      var index = self.shown.findIndex(function (entry) {
        return entry.item === item;
      });
      if (index >= 0) {
        self.choose(self.shown[index]);
      }
    });
    if (this.chips) {
      this.chips.addEventListener("click", function (event) {
        var button = event.target.closest("button[data-value]");
        if (button) {
          self.removeChip(button);
        }
      });
      this.chips.addEventListener("keydown", function (event) {
        var button = event.target.closest("button[data-value]");
        if (button && (event.key === "Backspace" || event.key === "Delete")) {
          event.preventDefault();
          self.removeChip(button);
        }
      });
    }
    // The select changed by someone else (another script, a test): show its new value.
    this.select.addEventListener("change", function () {
      if (!self.dispatching) {
        self.syncFromSelect();
      }
    });
    // A reset of the form puts the select back: show it.
    if (this.select.form) {
      this.select.form.addEventListener("reset", function () {
        window.setTimeout(function () {
          self.syncFromSelect();
        });
      });
    }
  };

  Picker.prototype.isOpen = function () {
    return this.input.getAttribute("aria-expanded") === "true";
  };

  Picker.prototype.filter = function (text) {
    var query = fold(text);
    var shown;
    if (!query) {
      shown = this.options.slice();
    } else {
      // Names that start with what is typed first, then those with a word that does, then
      // those that contain it (spaces ignored: "vietnam" finds "Viêt Nam").
      var first = [];
      var word = [];
      var then = [];
      var squeezed = query.replace(/ /g, "");
      this.options.forEach(function (entry) {
        if (entry.option.value === "") {
          return;
        }
        var key = entry.key;
        if (key.indexOf(query) === 0) {
          first.push(entry);
        } else if (key.indexOf(" " + query) >= 0) {
          word.push(entry);
        } else if (key.indexOf(query) >= 0 || key.replace(/ /g, "").indexOf(squeezed) >= 0) {
          then.push(entry);
        }
      });
      shown = first.concat(word, then);
    }
    this.shown = shown;
    this.listbox.replaceChildren.apply(
      this.listbox,
      shown.map(function (entry) {
        return entry.item;
      })
    );
    this.setActive(-1);
  };

  Picker.prototype.open = function () {
    var none = this.shown.length === 0;
    this.listbox.hidden = none;
    this.empty.hidden = !none;
    this.input.setAttribute("aria-expanded", none ? "false" : "true");
    this.wrapper.classList.add("picker-open");
  };

  Picker.prototype.openAll = function () {
    this.typed = false;
    this.filter("");
    this.open();
    // The current choice, in view and active, as a select would open.
    var selected = this.shown.findIndex(function (entry) {
      return entry.option.selected && entry.option.value !== "";
    });
    if (selected >= 0 && !this.multiple) {
      this.setActive(selected);
    }
  };

  Picker.prototype.close = function () {
    this.listbox.hidden = true;
    this.empty.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.wrapper.classList.remove("picker-open");
    this.setActive(-1);
  };

  Picker.prototype.setActive = function (index) {
    if (this.active >= 0 && this.shown[this.active]) {
      this.shown[this.active].item.classList.remove("picker-option-active");
    }
    this.active = index;
    if (index < 0 || !this.shown[index]) {
      this.active = -1;
      this.input.removeAttribute("aria-activedescendant");
      return;
    }
    var item = this.shown[index].item;
    item.classList.add("picker-option-active");
    this.input.setAttribute("aria-activedescendant", item.id);
    item.scrollIntoView({ block: "nearest" });
  };

  Picker.prototype.onKey = function (event) {
    var open = this.isOpen();
    var last = this.shown.length - 1;
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (!open) {
          if (this.typed && this.input.value) {
            this.filter(this.input.value);
            this.open();
          } else {
            this.openAll();
          }
          if (event.altKey || this.active >= 0) {
            return;
          }
          this.setActive(0);
          return;
        }
        this.setActive(this.active >= last ? 0 : this.active + 1);
        return;
      case "ArrowUp":
        event.preventDefault();
        if (!open) {
          this.openAll();
          this.setActive(this.shown.length - 1);
          return;
        }
        this.setActive(this.active <= 0 ? last : this.active - 1);
        return;
      case "Home":
      case "End":
        if (open && this.active >= 0) {
          event.preventDefault();
          this.setActive(event.key === "Home" ? 0 : last);
        }
        return;
      case "PageDown":
      case "PageUp":
        if (open && this.active >= 0) {
          event.preventDefault();
          var step = event.key === "PageDown" ? 10 : -10;
          this.setActive(Math.max(0, Math.min(last, this.active + step)));
        }
        return;
      case "Enter":
        if (open && this.active >= 0) {
          event.preventDefault(); // choose, do not send the form
          this.choose(this.shown[this.active]);
        }
        return;
      case "Escape":
        if (open) {
          event.preventDefault();
          this.close();
          if (!this.multiple) {
            this.showChoice(); // back to what is chosen
          }
        } else if (this.input.value) {
          event.preventDefault();
          this.input.value = "";
          this.typed = true;
        }
        return;
      case "Backspace":
        if (this.multiple && this.input.value === "") {
          var buttons = this.chips.querySelectorAll("button[data-value]");
          if (buttons.length) {
            event.preventDefault();
            this.removeChip(buttons[buttons.length - 1], true);
          }
        }
        return;
      case "Tab":
        if (open) {
          this.close();
        }
        return;
      default:
        return;
    }
  };

  Picker.prototype.choose = function (entry) {
    if (this.multiple) {
      entry.option.selected = !entry.option.selected;
      this.changed();
      this.renderChips();
      this.say(entry.option.selected ? this.data.pickerAdded : this.data.pickerRemoved, entry.text);
      // Another one may follow: the whole list again, the input empty for the next search.
      this.input.value = "";
      this.typed = false;
      var index = this.active;
      this.filter("");
      this.open();
      var at = this.shown.indexOf(entry);
      this.setActive(at >= 0 ? at : index);
      return;
    }
    var changed = !entry.option.selected;
    entry.option.selected = true;
    this.typed = false;
    this.close();
    this.showChoice();
    this.input.select();
    if (changed) {
      this.changed();
    }
  };

  Picker.prototype.commit = function () {
    // Leaving the field: a single choice keeps what was typed only if it names an option.
    if (this.multiple) {
      this.input.value = "";
      this.typed = false;
      return;
    }
    if (!this.typed) {
      this.showChoice();
      return;
    }
    var query = fold(this.input.value);
    var match = null;
    if (!query) {
      match = this.options.find(function (entry) {
        return entry.option.value === "";
      });
      if (!match && this.select.querySelector('option[value=""]')) {
        match = { option: this.select.querySelector('option[value=""]') };
      }
    } else {
      match = this.options.find(function (entry) {
        return entry.option.value !== "" && fold(entry.text) === query;
      });
    }
    if (match && !match.option.selected) {
      match.option.selected = true;
      this.changed();
    }
    this.typed = false;
    this.showChoice();
  };

  Picker.prototype.changed = function () {
    this.syncItems();
    this.dispatching = true;
    try {
      this.select.dispatchEvent(new Event("change", { bubbles: true }));
    } finally {
      this.dispatching = false;
    }
  };

  Picker.prototype.showChoice = function () {
    if (this.multiple) {
      return;
    }
    var option = this.select.options[this.select.selectedIndex];
    this.input.value = option && option.value !== "" ? option.textContent.trim() : "";
  };

  Picker.prototype.syncItems = function () {
    this.options.forEach(function (entry) {
      entry.item.setAttribute("aria-selected", entry.option.selected ? "true" : "false");
    });
  };

  Picker.prototype.syncFromSelect = function () {
    this.syncItems();
    this.showChoice();
    if (this.multiple) {
      this.renderChips();
    }
  };

  Picker.prototype.renderChips = function () {
    // In the order they were chosen (those chosen before, in the list's order, first), so
    // that Backspace takes back the last one added.
    var chosen = this.options.filter(function (entry) {
      return entry.option.selected && entry.option.value !== "";
    });
    var order = (this.order || []).filter(function (entry) {
      return chosen.indexOf(entry) >= 0;
    });
    chosen.forEach(function (entry) {
      if (order.indexOf(entry) < 0) {
        order.push(entry);
      }
    });
    this.order = order;
    var data = this.data;
    var items = order.map(function (entry) {
      var li = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-sm picker-chip";
      button.dataset.value = entry.option.value;
      button.setAttribute("aria-label", format(data.pickerRemove || "%(item)s", { item: entry.text }));
      var text = document.createElement("span");
      text.textContent = entry.text;
      var icon = document.createElement("i");
      icon.className = "bi bi-x-lg";
      icon.setAttribute("aria-hidden", "true");
      button.append(text, icon);
      li.appendChild(button);
      return li;
    });
    this.chips.replaceChildren.apply(this.chips, items);
    this.chips.hidden = items.length === 0;
  };

  Picker.prototype.removeChip = function (button, fromInput) {
    var value = button.dataset.value;
    var entry = this.options.find(function (candidate) {
      return candidate.option.value === value;
    });
    if (!entry) {
      return;
    }
    // Where the focus goes next: the following chip, else the previous one, else the input.
    var li = button.parentElement;
    var next = li.nextElementSibling || li.previousElementSibling;
    var nextValue = next && !fromInput ? next.querySelector("button").dataset.value : null;
    entry.option.selected = false;
    this.changed();
    this.renderChips();
    this.say(this.data.pickerRemoved, entry.text);
    var target = nextValue
      ? this.chips.querySelector('button[data-value="' + CSS.escape(nextValue) + '"]')
      : null;
    (target || this.input).focus();
  };

  Picker.prototype.say = function (template, item) {
    if (template) {
      this.announce(format(template, { item: item }));
    }
  };

  Picker.prototype.announceCount = function () {
    var count = this.shown.length;
    var text;
    if (count === 0) {
      text = this.data.pickerNoResults || "";
    } else {
      var form = this.plural.select(count) === "one" ? "pickerResultsOne" : "pickerResultsOther";
      text = format(this.data[form] || "", { count: count });
    }
    this.announce(text);
  };

  Picker.prototype.announce = function (text) {
    var status = this.status;
    window.clearTimeout(this.statusTimer);
    // A little later, so that a screen reader reads the count of the last key typed.
    this.statusTimer = window.setTimeout(function () {
      status.textContent = text;
    }, 400);
  };

  function enhance(root) {
    Array.prototype.forEach.call(
      (root || document).querySelectorAll("select[data-picker]:not(.picker-enhanced)"),
      function (select) {
        new Picker(select);
      }
    );
  }

  window.pactePicker = { enhance: enhance };

  // A link to the field (an error summary's) leads to its combobox, not to the hidden select.
  document.addEventListener("click", function (event) {
    var link = event.target.closest('a[href^="#"]');
    var id = link && decodeURIComponent(link.getAttribute("href").slice(1));
    var select = id ? document.getElementById(id) : null;
    if (select && select.classList.contains("picker-enhanced")) {
      var input = select.nextElementSibling.querySelector(".picker-input");
      event.preventDefault();
      input.scrollIntoView({ block: "center" });
      input.focus();
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      enhance(document);
    });
  } else {
    enhance(document);
  }
  // Parts of a page that HTMX swaps in (the staff queue's filters, for instance).
  document.addEventListener("htmx:afterSettle", function (event) {
    enhance(event.target);
  });
})();
