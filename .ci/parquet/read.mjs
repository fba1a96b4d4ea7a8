// Reads a Parquet file with hyparquet (a reader of its own, not the library that wrote it) and prints what a
// user's tools would see, as JSON: each column's name, type and logical type in the file's order, each column
// chunk's codec, and the rows (BigInt as strings, timestamps as ISO strings).
// Usage: node read.mjs FILE
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'

const file = await asyncBufferFromFile(process.argv[2])
const metadata = await parquetMetadataAsync(file)
const columns = parquetSchema(metadata).children.map(c => ({
  name: c.element.name,
  type: c.element.type,
  logical: c.element.logical_type ?? null,
}))
const codecs = [...new Set(metadata.row_groups.flatMap(g => g.columns.map(c => c.meta_data.codec)))]
const rows = await parquetReadObjects({ file, compressors })
const json = JSON.stringify({ columns, codecs, rows }, (_, v) =>
  typeof v === 'bigint' ? v.toString() : v instanceof Date ? v.toISOString() : v)
process.stdout.write(json + '\n')
