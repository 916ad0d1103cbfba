import { PageHeader } from '../components/common';

export function NodePage({ name }: { name: string }) {
  return <PageHeader title={`Node ${name}`} />;
}
