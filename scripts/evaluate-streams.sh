#!/usr/bin/env bash
# Prequential evaluation over four kinds of stream, one table each: movies
# (ML-100K, ML-latest-small), news (the first 500,000 Globo clicks) and shopping
# (the Taobao UserBehavior head, pv/fav/cart/buy as view/click/add_to_cart/purchase).
# Each table says how many positives no ranking can hit (an item's first
# appearance; a repeat of a consumed item the policy leaves out), so that its
# figures can be read. Taobao is evaluated twice: every consumed item left out,
# then viewed items allowed back (features.recommend_again).
#
#   scripts/evaluate-streams.sh [MODELS]
#   e.g. scripts/evaluate-streams.sh popularity,cooccurrence,bpr,hybrid
# DATA (default ../shared/data) is where the datasets are; LIMIT caps every stream;
# SCORE_FROM=0.5 scores only each stream's second half (the defaults were tuned
# on the first halves: scripts/tune-defaults.py).
set -euo pipefail
cd "$(dirname "$0")/.."

MODELS=${1:-popularity,popularity-recent,cooccurrence,transitions,category-popularity,bpr,hybrid}
DATA=${DATA:-../shared/data}
swift build -c release --product streamrec >/dev/null 2>&1 || swift build -c release --product streamrec
BIN=$(swift build -c release --show-bin-path)/streamrec
# Globo is cut at 500,000 clicks unless LIMIT says otherwise.
GLOBO_LIMIT=${LIMIT:-500000}
limit=()
[ -n "${LIMIT:-}" ] && limit=(--limit "$LIMIT")

evaluate() {
  echo
  "$BIN" evaluate --no-progress --models "$MODELS" --score-from "${SCORE_FROM:-0}" "$@"
}

evaluate "$DATA/movielens-100k/u.data" "${limit[@]}"
evaluate "$DATA/movielens-latest-small/ratings.csv" "${limit[@]}" \
  --map user=userId,item=movieId,timestamp=timestamp,value=rating --type rating
evaluate "$DATA/globo-news-clicks/clicks.csv.gz" --limit "$GLOBO_LIMIT" \
  --map user=user_id,item=click_article_id,timestamp=click_timestamp --type click
taobao=("$DATA/taobao-userbehavior-head/UserBehavior_head.csv" "${limit[@]}"
  --columns user,item,category,behavior,ts --map user=user,item=item,timestamp=ts,type=behavior,item.category=category
  --type-map pv=view,fav=click,cart=add_to_cart,buy=purchase)
evaluate "${taobao[@]}"
# A shop shows viewed items again: the same stream with viewed items back once
# the user moved on by 3 items (features.recommend_again), to compare the policies.
evaluate "${taobao[@]}" --recommend-again view --recommend-again-after 3
