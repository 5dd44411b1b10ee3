#!/bin/sh
# Sample Vnflcm hook of the Tacker-layout package: records the operation it was called for.
echo "lcm hook: ${1:-unknown operation} for instance ${MECANO_INSTANCE_ID:-?}"
