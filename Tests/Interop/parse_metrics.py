"""Reads Prometheus text exposition from stdin with prometheus_client's own
parser (a parser StreamRec did not write) and prints one JSON object: each
metric family's type and the sum of its plain samples."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

families = {}
for family in text_string_to_metric_families(sys.stdin.read()):
    plain = [s.value for s in family.samples if s.name == family.name or s.name == family.name + "_total"]
    counts = [s.value for s in family.samples if s.name.endswith("_count")]
    families[family.name] = {
        "type": family.type,
        "sum": sum(plain),
        "count": sum(counts),
        "labels": sorted({k for s in family.samples for k in s.labels if k != "le"}),
    }
print(json.dumps(families, sort_keys=True))
