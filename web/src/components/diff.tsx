/** A unified diff (a file finding, a fix's file change), rendered line by line with colours. */

function lineClass(line: string): string {
  if (line.startsWith('+++') || line.startsWith('---')) return 'meta';
  if (line.startsWith('@@')) return 'hunk';
  if (line.startsWith('+')) return 'add';
  if (line.startsWith('-')) return 'del';
  if (line.startsWith('\\') || line.startsWith('#')) return 'meta';
  return 'ctx';
}

export function Diff({ text, label }: { text: string; label?: string }) {
  const lines = text.replace(/\n$/, '').split('\n');
  return (
    <div class="diff" role="figure" aria-label={label ?? 'unified diff'} data-diff>
      {lines.map((line, index) => (
        <div key={index} class={lineClass(line)}>
          {line || ' '}
        </div>
      ))}
    </div>
  );
}
