/**
 * The chat rules and the age gate. Before the first match a person confirms they are at least the
 * minimum age and accepts the current version of the rules (`accept_rules`); `join_queue` before that
 * answers RULES_NOT_ACCEPTED, and a new version of the rules asks again. Operators replace the text with
 * a JSON file (`RULES_FILE`: `{"version": "...", "text": {"zh-CN": "...", "en": "..."}}`) or turn the
 * gate off (`RULES_GATE=off`). `{min_age}` in the text is the configured minimum age (`MIN_AGE`), so the
 * rules say the same age as the box the person ticks.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { AppError, ErrorCode } from '../errors.js';
import type { Lang } from '../shared/codes.js';
import type { Database } from '../storage/database.js';

export interface Rules {
  version: string;
  text: Record<Lang, string>;
}

export const DEFAULT_RULES: Rules = {
  version: '2026-12-01',
  text: {
    'zh-CN': [
      '欢迎来到匿名聊天室。请遵守以下规则：',
      '1. 你必须年满 {min_age} 岁才能使用本服务。',
      '2. 尊重对方：不骚扰、不辱骂、不发表仇恨言论。',
      '3. 不发布色情内容，不涉及未成年人的任何性内容。',
      '4. 不发广告、不诈骗、不引导对方转账或添加联系方式。',
      '5. 保护自己：不要向陌生人透露姓名、电话、住址、微信或QQ等联系方式。',
      '6. 所有消息都会被保存，可能会被管理员审核；你可以举报或屏蔽任何让你不适的人。',
      '违反规则可能导致警告、禁言或封禁。',
    ].join('\n'),
    en: [
      'Welcome to Anonymous Chat. Please keep to these rules:',
      '1. You must be at least {min_age} years old to use this service.',
      '2. Respect the other person: no harassment, insults or hate speech.',
      '3. No sexual content, and nothing sexual involving minors, ever.',
      '4. No advertising, no scams, no asking for money or for contact details.',
      '5. Protect yourself: do not share your name, phone number, address or any contact handle with strangers.',
      '6. Every message is stored and may be reviewed by moderators; you can report or block anyone who makes you uncomfortable.',
      'Breaking the rules can lead to a warning, a mute or a ban.',
    ].join('\n'),
  },
};

/** The rules' text as shown: `{min_age}` replaced by the minimum age in force. */
export function rulesText(rules: Rules, lang: Lang, minAge: number): string {
  return rules.text[lang].replaceAll('{min_age}', String(minAge));
}

const rulesFile = z.strictObject({
  version: z.string().min(1).max(32),
  text: z.strictObject({ 'zh-CN': z.string().min(1).max(20_000), en: z.string().min(1).max(20_000) }),
});

/** The rules in force: the operator's file when given, else the defaults. Throws naming the file's problem. */
export function loadRules(file: string | undefined): Rules {
  if (!file) return DEFAULT_RULES;
  const parsed = rulesFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`RULES_FILE ${file}: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/** Acceptances remembered in memory per instance (older ones are read from the database again). */
const CACHE_MAX = 100_000;

export class RulesGate {
  /** Identities known to have accepted the current version. */
  private readonly accepted = new Set<string>();

  constructor(
    private readonly database: Database,
    private readonly rules: Rules,
    private readonly options: { enabled: boolean; minAge: number },
    private readonly clock: Clock,
  ) {}

  get enabled(): boolean {
    return this.options.enabled;
  }

  /** `GET /api/rules`. */
  view(lang: Lang): { version: string; min_age: number; text: string } {
    return { version: this.rules.version, min_age: this.options.minAge, text: rulesText(this.rules, lang, this.options.minAge) };
  }

  /** What a connection is told at start when it still has to accept the rules (undefined: nothing to do). */
  async requirementFor(userId: string): Promise<{ version: string; min_age: number } | undefined> {
    if (!this.enabled || (await this.hasAccepted(userId))) return undefined;
    return { version: this.rules.version, min_age: this.options.minAge };
  }

  /** Throws RULES_NOT_ACCEPTED unless the identity accepted the current version (or the gate is off). */
  async assertAccepted(userId: string): Promise<void> {
    if (this.enabled && !(await this.hasAccepted(userId))) throw new AppError(ErrorCode.RULES_NOT_ACCEPTED);
  }

  /** Records an acceptance of `version`, which must be the current one (a page showing old rules reads them again). */
  async accept(userId: string, version: string): Promise<void> {
    if (version !== this.rules.version) throw new AppError(ErrorCode.RULES_NOT_ACCEPTED, { detail: 'the rules changed' });
    // Accepted already (this version, this minimum age): nothing to write — a repeat costs no commit.
    if (await this.hasAccepted(userId)) return;
    await this.database.query(
      `INSERT INTO rule_acceptances (user_id, rules_version, min_age, accepted_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id) DO UPDATE SET rules_version = EXCLUDED.rules_version, min_age = EXCLUDED.min_age, accepted_at = EXCLUDED.accepted_at`,
      [userId, version, this.options.minAge, this.clock.now()],
    );
    this.remember(userId);
  }

  private async hasAccepted(userId: string): Promise<boolean> {
    if (this.accepted.has(userId)) return true;
    const rows = await this.database.query<{ rules_version: string; min_age: number }>(
      'SELECT rules_version, min_age FROM rule_acceptances WHERE user_id = $1',
      [userId],
    );
    const row = rows[0];
    // A raised minimum age asks again, as a new version does.
    const ok = row !== undefined && row.rules_version === this.rules.version && row.min_age >= this.options.minAge;
    if (ok) this.remember(userId);
    return ok;
  }

  private remember(userId: string): void {
    if (this.accepted.size >= CACHE_MAX) this.accepted.clear();
    this.accepted.add(userId);
  }
}
