package io.peerpool.dialect;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hosts a peer's JDBC URL names, in each product's forms: one peer is one server, so a URL
 * that names several (a driver's own failover) is refused at startup.
 */
class JdbcUrlHostsTests {

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			jdbc:mariadb://db0:3306/app?sslMode=disable                            | db0:3306
			jdbc:mariadb:sequential://db0:3306,db1:3306/app                        | db0:3306;db1:3306
			jdbc:mariadb:replication://app:s3cret@db0,db1/app                      | db0;db1
			jdbc:mysql://db0,db1:3307/app                                          | db0;db1:3307
			jdbc:mysql:loadbalance://[::1]:3306,[::2]:3306/app                     | [::1]:3306;[::2]:3306
			jdbc:mysql://address=(host=db0)(port=3306),address=(host=db1)/app      | address=(host=db0)(port=3306);address=(host=db1)
			jdbc:mysql://(host=db0,port=3306)/app                                  | (host=db0,port=3306)
			jdbc:postgresql://db0:5432,db1:5432/app?targetServerType=primary       | db0:5432;db1:5432
			jdbc:postgresql://db0/app                                              | db0
			jdbc:postgresql:///app                                                 | ''
			jdbc:h2:mem:app;DB_CLOSE_DELAY=-1                                      | ''
			jdbc:h2:tcp://db0:9092,db1:9092/~/app                                  | db0:9092;db1:9092
			jdbc:sqlserver://db0:1433;databaseName=app                             | db0:1433
			jdbc:oracle:thin:@//db0:1521/app                                       | db0:1521
			""")
	void hostsOfAUrl(String url, String hosts) {
		assertThat(String.join(";", JdbcUrlHosts.of(url))).isEqualTo(hosts);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', nullValues = "null", textBlock = """
			jdbc:postgresql://db0/app?targetServerType=primary           | primary
			jdbc:postgresql://db0/app?ssl=true&targetServerType=standby  | standby
			jdbc:postgresql://db0/app?TARGETSERVERTYPE=secondary         | secondary
			jdbc:postgresql://db0/app?targetServerType=preferPrimary     | null
			jdbc:postgresql://db0/app?targetServerType=any               | null
			jdbc:postgresql://db0/app                                    | null
			jdbc:mysql://db0/app?targetServerType=primary                | null
			""")
	void theServerTypeAPostgresUrlFiltersOn(String url, String filter) {
		assertThat(JdbcUrlHosts.serverTypeFilter(url)).isEqualTo(filter);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			jdbc:mariadb:sequential://db0:3306,db1:3306/app?sslMode=disable | db1:3306 | jdbc:mariadb://db1:3306/app?sslMode=disable
			jdbc:mysql:replication://db0,db1/app                            | db0      | jdbc:mysql://db0/app
			jdbc:postgresql://db0:5432,db1:5432/app?targetServerType=primary | db1:5432 | jdbc:postgresql://db1:5432/app
			jdbc:postgresql://db0,db1/app?ssl=true&targetServerType=primary&loadBalanceHosts=true&hostRecheckSeconds=5&user=app | db1 | jdbc:postgresql://db1/app?ssl=true&user=app
			""")
	void aUrlForOneOfItsHostsLeavesTheDriversOwnFailoverModeOut(String url, String host, String single) {
		assertThat(JdbcUrlHosts.withHost(url, host)).isEqualTo(single);
	}

}
