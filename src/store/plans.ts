/** Plans made on the server, with who made and approved them; a plan expires. */
import type { StoredPlan } from '../model/api';
import type { Plan } from '../model/plan';
import type { RunVia } from '../model/run';
import type { Sql } from './sql';

export type { StoredPlan };

interface RawPlan {
  id: string;
  target: string;
  hash: string;
  via: RunVia;
  plan: string;
  created_at: string;
  created_by: string;
  expires_at: string;
  approved_at: string | null;
  approved_by: string | null;
}

function toPlan(raw: RawPlan): StoredPlan {
  return {
    id: raw.id,
    target: raw.target,
    hash: raw.hash,
    via: raw.via,
    plan: JSON.parse(raw.plan) as Plan,
    createdAt: raw.created_at,
    createdBy: raw.created_by,
    expiresAt: raw.expires_at,
    ...(raw.approved_at ? { approvedAt: raw.approved_at } : {}),
    ...(raw.approved_by ? { approvedBy: raw.approved_by } : {}),
  };
}

export class PlansRepository {
  constructor(private readonly sql: Sql) {}

  async create(plan: Omit<StoredPlan, 'approvedAt' | 'approvedBy'>): Promise<StoredPlan> {
    await this.sql.run(
      `INSERT INTO plans (id, target, hash, via, plan, created_at, created_by, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        plan.id,
        plan.target,
        plan.hash,
        plan.via,
        JSON.stringify(plan.plan),
        plan.createdAt,
        plan.createdBy,
        plan.expiresAt,
      ],
    );
    return plan;
  }

  async get(id: string): Promise<StoredPlan | undefined> {
    const raw = await this.sql.get<RawPlan>('SELECT * FROM plans WHERE id = ?', [id]);
    return raw ? toPlan(raw) : undefined;
  }

  async list(limit = 100): Promise<StoredPlan[]> {
    const rows = await this.sql.all<RawPlan>(
      'SELECT * FROM plans ORDER BY created_at DESC, id DESC LIMIT ?',
      [limit],
    );
    return rows.map(toPlan);
  }

  /** Records the approval; false when the plan was approved already. */
  async approve(id: string, by: string, at: string): Promise<boolean> {
    const changed = await this.sql.run(
      'UPDATE plans SET approved_at = ?, approved_by = ? WHERE id = ? AND approved_at IS NULL',
      [at, by, id],
    );
    return changed === 1;
  }
}
