/** Plans made on the server, with who made and approved them; a plan expires. */
import type { StoredPlan } from '../model/api';
import type { Plan } from '../model/plan';
import type { RunVia } from '../model/run';
import type { Db } from './database';

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
  private readonly statements;

  constructor(db: Db) {
    this.statements = {
      insert: db.prepare(
        `INSERT INTO plans (id, target, hash, via, plan, created_at, created_by, expires_at)
         VALUES (@id, @target, @hash, @via, @plan, @createdAt, @createdBy, @expiresAt)`,
      ),
      get: db.prepare<[string], RawPlan>('SELECT * FROM plans WHERE id = ?'),
      list: db.prepare<[number], RawPlan>('SELECT * FROM plans ORDER BY created_at DESC, id DESC LIMIT ?'),
      approve: db.prepare(
        'UPDATE plans SET approved_at = ?, approved_by = ? WHERE id = ? AND approved_at IS NULL',
      ),
    };
  }

  create(plan: Omit<StoredPlan, 'approvedAt' | 'approvedBy'>): StoredPlan {
    this.statements.insert.run({ ...plan, plan: JSON.stringify(plan.plan) });
    return plan;
  }

  get(id: string): StoredPlan | undefined {
    const raw = this.statements.get.get(id);
    return raw ? toPlan(raw) : undefined;
  }

  list(limit = 100): StoredPlan[] {
    return this.statements.list.all(limit).map(toPlan);
  }

  /** Records the approval; false when the plan was approved already. */
  approve(id: string, by: string, at: string): boolean {
    return this.statements.approve.run(at, by, id).changes === 1;
  }
}
