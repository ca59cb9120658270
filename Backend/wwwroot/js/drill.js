// Choosing the drill: the scenario catalog (GET /api/scenarios) in a select, the chosen scenario's languages, and a
// line about the persona. ?scenario=<id> preselects a drill.
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
    $('language').replaceChildren(...variants.map((v) => new Option(v.language, v.language, false, v.language === defaultLanguage)));
    this.describe();
  }

  describe() {
    const { personaName, personaRole, description } = this.variant;
    $('scenario-info').textContent = `${personaName}, ${personaRole}. ${description}`;
  }
}

const variantOf = (scenario, language) => scenario.variants.find((v) => v.language === language) ?? scenario.variants[0];
