# A Kafka Connect worker with Segflow's plugin and Debezium's PostgreSQL connector on its
# plugin.path (the plugin is built from the sources; Debezium comes from Maven Central). Build
# from the repository's root:
#   docker build -f docker/connect.Dockerfile -t segflow-connect .

FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY schemas schemas
COPY streams-app streams-app
COPY connectors connectors
RUN mvn -B -q package -DskipTests -pl connectors -am

FROM apache/kafka:4.1.2
ARG DEBEZIUM_VERSION=3.4.3.Final
USER root
RUN mkdir -p /opt/connect-plugins \
    && wget -qO- "https://repo1.maven.org/maven2/io/debezium/debezium-connector-postgres/${DEBEZIUM_VERSION}/debezium-connector-postgres-${DEBEZIUM_VERSION}-plugin.tar.gz" \
       | tar -xz -C /opt/connect-plugins
COPY --from=build /src/connectors/target/plugin/segflow-connect-*/segflow-connect /opt/connect-plugins/segflow-connect
COPY docker/connect/worker.properties /opt/kafka/config/segflow-connect.properties
RUN chown -R appuser:appuser /opt/connect-plugins
USER appuser
EXPOSE 8083
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD wget -qO- http://localhost:8083/connectors > /dev/null || exit 1
ENTRYPOINT ["/opt/kafka/bin/connect-distributed.sh", "/opt/kafka/config/segflow-connect.properties"]
