import { PageHeader } from '../components/common';

export function TrendsPage() {
  return <PageHeader title="Trends" />;
}
