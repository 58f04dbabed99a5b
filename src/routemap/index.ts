/** Route map: JunosE-style subscriber policy at activation (docs/config.md "Route map"). */
export { checkRouteMap, compileRouteMap } from './compile.js';
export { compileTemplate, parseTemplate, renderTemplate, TEMPLATE_PLACEHOLDERS, type Placeholder, type Template, type TemplateSubject } from './template.js';
export { parsePrefix, prefixContains, formatPrefix, type Ipv4Prefix } from './prefix.js';
export { parseMacPattern, macMatches, macToNumber, type MacPattern } from './mac.js';
export { compileRegex, MAX_REGEX_LENGTH } from './regex.js';
export { displayText, hexToLatin1 } from './hex.js';
export type { OneOrMany, OptionMatchConfig, RouteMap, RouteMapDecision, RouteMapEntryConfig, RouteMapMatchConfig, RouteMapSetConfig, RouteMapSubject } from './types.js';
