package io.imageflowcanvas.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Argo Workflows' archive in a real PostgreSQL, for tests: its two tables as v4.1.2's migrations leave them
 * (persist/sqldb/migrate.go: the columns, key and label table the cluster reads), and finished Workflows archived as
 * the controller archives them (persist/sqldb/workflow_archive.go, ArchiveWorkflow: the whole Workflow as JSON under
 * cluster name {@code default} and an empty instance id, each label a row beside it).
 */
public final class ArgoArchive {

    private static final String TABLES = """
            create table argo_archived_workflows (clustername varchar(64) not null, uid varchar(128) not null,
              name varchar(256) not null, phase varchar(25) not null, namespace varchar(256) not null,
              workflow jsonb not null, startedat timestamp not null, finishedat timestamp not null,
              instanceid varchar(64) not null, creationtimestamp timestamp default CURRENT_TIMESTAMP,
              primary key (clustername, uid));
            create table argo_archived_workflows_labels (clustername varchar(64) not null,
              uid varchar(128) not null, name varchar(317) not null, value varchar(63) not null,
              primary key (clustername, uid, name),
              foreign key (clustername, uid) references argo_archived_workflows(clustername, uid) on delete cascade);
            """;

    private ArgoArchive() {
    }

    public static void create(Connection db) throws SQLException {
        db.createStatement().execute(TABLES);
    }

    /** Archives a finished Workflow document under {@code uid}. */
    public static void archive(Connection db, String uid, String json) throws Exception {
        JsonNode workflow = JsonMapper.builder().build().readTree(json);
        try (PreparedStatement row = db.prepareStatement("insert into argo_archived_workflows (clustername, uid,"
                + " name, phase, namespace, workflow, startedat, finishedat, instanceid) values ('default', ?, ?, ?,"
                + " ?, ?::jsonb, ?::timestamp, ?::timestamp, '')")) {
            row.setString(1, uid);
            row.setString(2, workflow.at("/metadata/name").asString());
            row.setString(3, workflow.at("/status/phase").asString());
            row.setString(4, workflow.at("/metadata/namespace").asString());
            row.setString(5, json);
            row.setString(6, workflow.at("/status/startedAt").asString().replace("Z", ""));
            row.setString(7, workflow.at("/status/finishedAt").asString().replace("Z", ""));
            row.executeUpdate();
        }
        for (Map.Entry<String, JsonNode> label : workflow.at("/metadata/labels").properties()) {
            try (PreparedStatement row = db.prepareStatement(
                    "insert into argo_archived_workflows_labels values ('default', ?, ?, ?)")) {
                row.setString(1, uid);
                row.setString(2, label.getKey());
                row.setString(3, label.getValue().asString());
                row.executeUpdate();
            }
        }
    }
}
