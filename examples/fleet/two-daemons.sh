#!/bin/sh
# The fleet, on one machine: two daemons, as two hosts would each run one, each publishing its rig's values to
# one MQTT broker; whoever subscribes to fleet/# sees both. (CI runs this: e2e TestFleetExample.)
#
#   BROKER=mqtt://127.0.0.1:1883 CREDENTIALS=./mqtt-credentials sh examples/fleet/two-daemons.sh
#   mosquitto_sub -h 127.0.0.1 -u USER -P PASSWORD -t 'fleet/#' -v      # in another terminal
#
# CREDENTIALS is a file: the broker's user name on its first line, the password on its second. On real hosts
# each daemon holds the producer's own mapping (the same name on every host); here, on one machine, the two
# rigs need two names, and a PATCH stands in for the native producer.
set -eu
SHMBRIDGE=${SHMBRIDGE:-shmbridge}
BROKER=${BROKER:-mqtt://127.0.0.1:1883}
PORT_A=${PORT_A:-8766}
PORT_B=${PORT_B:-8767}
pids=""
cleanup=""
trap 'eval "$cleanup"; kill $pids 2>/dev/null; wait' EXIT INT TERM

rig() { # rig NAME PORT COOLANT
  token="fleet-token-$1-0123456789abcdef"
  url="http://127.0.0.1:$2"
  SHMBRIDGE_TOKEN=$token "$SHMBRIDGE" -listen "127.0.0.1:$2" -mqtt "$BROKER" ${CREDENTIALS:+-mqtt-credentials "$CREDENTIALS"} \
    -mqtt-client-id "shmbridge-$1" -layouts-dir - -publishers-dir - -recordings-dir - 2>"/tmp/shmbridge-fleet-$1.log" &
  pids="$pids $!"
  until curl -sf "$url/healthz" >/dev/null; do sleep 0.1; done
  api() { curl -sS -f --oauth2-bearer "$token" "$@" -o /dev/null; }
  api -X PUT -H 'Content-Type: application/yaml' --data-binary \
    '{"meta": {"id": "rig", "endian": "le"}, "seq": [{"id": "coolant", "type": "f4"}, {"id": "fan", "type": "u2"}]}' "$url/v1/layouts/rig"
  api --json "{\"name\": \"Local\\\\Fleet-$1\", \"size\": 8, \"layout\": \"rig\", \"mode\": \"open_or_create\"}" "$url/v1/mappings"
  cleanup="$cleanup curl -sS --oauth2-bearer $token -X DELETE '$url/v1/mappings/Local%5CFleet-$1?unlink=true';"
  api -X PATCH --json "{\"coolant\": $3, \"fan\": 1200}" "$url/v1/mappings/Local%5CFleet-$1/fields"
  api --json "{\"kind\": \"mqtt\", \"mapping\": \"Local\\\\Fleet-$1\", \"topic\": \"fleet/$1/coolant\", \"fields\": [\"coolant\", \"fan\"], \"retain\": true, \"qos\": 1}" \
    "$url/v1/publishers"
  echo "$1: $url publishes fleet/$1/coolant"
}

rig rig-a "$PORT_A" 88.5
rig rig-b "$PORT_B" 91.25
wait
