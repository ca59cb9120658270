// Choosing the drill: the scenario catalog (GET /api/scenarios) in a select, the chosen scenario's languages, and a
// line about the persona. ?scenario=<id> preselects a drill. The catalog says which languages this server can run
// now; the others stay in the list, disabled and marked with the server's hint (which provider would run them), so
// a trainee learns it before the microphone is ever asked for.
import { $ } from './dom.js';

export class DrillPicker {
  constructor() {
    this.scenarios = [];
    $('scenario').addEventListener('change', () => this.fillLanguages());
    $('language').addEventListener('change', () => this.describe());
  }

  show(scenarios) {
    this.scenarios = scenarios;
    $('scenario').replaceChildren(...scenarios.map((scenario) => {
      const variant = variantOf(scenario, scenario.defaultLanguage);
      return new Option(`${variant.title} — ${variant.personaName}`, scenario.id);
    }));
    const linked = new URLSearchParams(location.search).get('scenario');
    if (scenarios.some((s) => s.id === linked)) $('scenario').value = linked;
    this.fillLanguages();
  }

  get scenario() {
    return this.scenarios.find((s) => s.id === $('scenario').value) ?? this.scenarios[0];
  }

  get variant() {
    return variantOf(this.scenario, $('language').value);
  }

  fillLanguages() {
    const { variants, defaultLanguage } = this.scenario;
    const chosen = variants.find((v) => v.language === defaultLanguage && v.available) ?? variants.find((v) => v.available);
    $('language').replaceChildren(...variants.map((v) => {
      const option = new Option(v.available ? v.language : `${v.language} (not available on this server)`, v.language, false, v === chosen);
      option.disabled = !v.available;
      if (!v.available) option.title = v.unavailableReason;
      return option;
    }));
    if (chosen) $('language').value = chosen.language;
    this.describe();
  }

  describe() {
    const { personaName, personaRole, description } = this.variant;
    $('scenario-info').textContent = `${personaName}, ${personaRole}. ${description}`;
    const unavailable = this.scenario.variants.filter((v) => !v.available);
    $('language-note').hidden = unavailable.length === 0;
    $('language-note').textContent = unavailable.map((v) => `${v.language}: ${v.unavailableReason}`).join(' ');
    $('start').disabled = !this.variant.available;
  }
}

const variantOf = (scenario, language) => scenario.variants.find((v) => v.language === language) ?? scenario.variants[0];
