package io.imageflowcanvas.argo.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.imageflowcanvas.argo.compile.PipelineCompiler;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Finished runs kept in Argo's workflow archive (PostgreSQL), read after their Workflow is deleted from the cluster
 * (the template's ttlStrategy). The controller writes each finished Workflow there whole, as JSON, with its labels
 * in a table beside it (docs/upstream.md cites the tables and what it writes); this reads them back as the runs
 * the API server's Workflows give. Read only; a connection per call, so a database restart costs one failed call.
 */
public final class WorkflowArchive {

    /** The cluster name Argo archives under unless {@code persistence.clusterName} says otherwise. */
    public static final String DEFAULT_CLUSTER_NAME = "default";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String url;
    private final Properties login = new Properties();
    private final String clusterName;

    /** {@code url}: a JDBC URL of the archive database; user and password may be in it instead. */
    public WorkflowArchive(String url, String user, String password, String clusterName) {
        this.url = url;
        if (user != null) {
            login.setProperty("user", user);
        }
        if (password != null) {
            login.setProperty("password", password);
        }
        // A database that does not answer must not hold a listing for long.
        login.setProperty("connectTimeout", "5");
        login.setProperty("socketTimeout", "15");
        login.setProperty("readOnly", "true");
        this.clusterName = clusterName;
    }

    /** The archived runs of a pipeline (of every pipeline when {@code pipelineId} is null), newest first. */
    public List<PipelineRun> runs(String namespace, String pipelineId, int limit) {
        String sql = "select w.workflow from argo_archived_workflows w join argo_archived_workflows_labels l"
                + " on l.clustername = w.clustername and l.uid = w.uid and l.name = ?"
                + " where w.clustername = ? and w.namespace = ?" + (pipelineId == null ? "" : " and l.value = ?")
                + " order by w.startedat desc limit ?";
        return query(sql, statement -> {
            int i = 1;
            statement.setString(i++, PipelineCompiler.PIPELINE_LABEL);
            statement.setString(i++, clusterName);
            statement.setString(i++, namespace);
            if (pipelineId != null) {
                statement.setString(i++, pipelineId);
            }
            statement.setInt(i, limit);
        });
    }

    /** One archived run by its Workflow's name (the newest, should a name have been used twice). */
    public Optional<PipelineRun> run(String namespace, String name) {
        return query("select workflow from argo_archived_workflows where clustername = ? and namespace = ?"
                + " and name = ? order by startedat desc limit 1", statement -> {
                    statement.setString(1, clusterName);
                    statement.setString(2, namespace);
                    statement.setString(3, name);
                }).stream().findFirst();
    }

    private interface Parameters {
        void set(PreparedStatement statement) throws SQLException;
    }

    private List<PipelineRun> query(String sql, Parameters parameters) {
        try (Connection connection = DriverManager.getConnection(url, login);
                PreparedStatement statement = connection.prepareStatement(sql)) {
            parameters.set(statement);
            List<PipelineRun> runs = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    runs.add(ClusterClient.toRun(JSON.readTree(rows.getString(1))));
                }
            }
            return runs;
        } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the workflow archive did not answer: " + e.getMessage(), e);
        }
    }
}
