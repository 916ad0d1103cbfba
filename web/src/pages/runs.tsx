import type { WhoAmI } from '../../../src/model/api';
import { PageHeader } from '../components/common';

export function RunsPage(props: { who: WhoAmI }) {
  void props;
  return <PageHeader title="Runs" />;
}
export function RunPage({ id }: { id: string; who: WhoAmI }) {
  return <PageHeader title={`Run ${id}`} />;
}
export function PlanPage({ id }: { id: string; who: WhoAmI }) {
  return <PageHeader title={`Plan ${id}`} />;
}
