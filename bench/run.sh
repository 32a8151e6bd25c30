#!/usr/bin/env bash
# The benchmark (issue 6): builds the WAR, then src/test/java/io/livehub/bench/Benchmark starts
# Livehub on PostgreSQL and on the embedded store, one at a time, drives it over 127.0.0.1 and stops it.
# Arguments go to Benchmark: --stores=postgresql,embedded  --only=idle,fanout,max,ingest  --smoke
# --stores=...,node-ws also measures the point of comparison, bench/reference/hub.mjs: an in-memory Node.js hub
# on the ws library, under the same generator (needs node and npm; its one package is installed on first use).
# --stores=...,java-floor also measures io.livehub.bench.FloorHub: about the least a hub can do per delivery
# in a JVM (plain NIO, in memory, one write per delivery), with the server's JVM flags: the floor of this machine.
# PostgreSQL: -Dlivehub.test.db.url/user/password in BENCH_JAVA_OPTS (default 127.0.0.1:5432/test, postgres).
set -euo pipefail
cd "$(dirname "$0")/.."

# 10,000 WebSocket connections need more than 1024 open files, in the server and in the generator.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

mvn_() { mvn -B -q -o "$@" || mvn -B -q "$@"; }
mvn_ package -DskipTests
mvn_ dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -Xmx2g ${BENCH_JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  io.livehub.bench.Benchmark "$@"
