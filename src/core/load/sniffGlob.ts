/**
 * File name endings worth sniffing for eval results: the record formats and the harness outputs
 * the loader reads. A module of its own so the editor's host can use it without the loader.
 */
export const SNIFF_GLOB = '**/*.{jsonl,jsonl.gz,ndjson,ndjson.gz,csv,csv.gz,tsv,tsv.gz,json,json.gz,eval}';
