# nsq-java: one image with every daemon (nsqd, nsqlookupd, nsqadmin) and the tools; the command
# picks the daemon, e.g. `bin/nsqd --data-path=/data`. Multi-stage: Maven builds, a JRE runs.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
# curl for the compose healthchecks on /ping
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/nsq
# the launchers in bin/ expect each module's jar and lib/ where the build leaves them
COPY --from=build /src/bin ./bin
COPY --from=build /src/nsqd/target/*.jar ./nsqd/target/
COPY --from=build /src/nsqd/target/lib ./nsqd/target/lib
COPY --from=build /src/nsqlookupd/target/*.jar ./nsqlookupd/target/
COPY --from=build /src/nsqlookupd/target/lib ./nsqlookupd/target/lib
COPY --from=build /src/nsqadmin/target/*.jar ./nsqadmin/target/
COPY --from=build /src/nsqadmin/target/lib ./nsqadmin/target/lib
COPY --from=build /src/tools/target/*.jar ./tools/target/
COPY --from=build /src/tools/target/lib ./tools/target/lib
VOLUME /data
# NSQ's ports: nsqd TCP/HTTP, nsqlookupd TCP/HTTP, nsqadmin HTTP, Hazelcast (cluster mode)
EXPOSE 4150 4151 4160 4161 4171 5701
CMD ["bin/nsqd", "--data-path=/data"]
