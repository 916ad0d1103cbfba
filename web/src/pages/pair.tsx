import { PageHeader } from '../components/common';

export function PairPage({ name }: { name: string }) {
  return <PageHeader title={`Pair ${name}`} />;
}
